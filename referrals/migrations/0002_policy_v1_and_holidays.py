import json

from django.db import migrations

# Routing policy v1 (DOMAIN.md §4, rules R1–R13), embedded so that this migration keeps loading
# the same rules whatever later happens to referrals/policy_v1.json.
POLICY_V1 = json.loads(r"""
{
 "version": 1,
 "note": "Routing policy v1 from the Kyiv interaction procedure (CMU Resolution 658 of 22.08.2018), DOMAIN.md §4. Every figure is a configurable default.",
 "rules": [
  {
   "id": "R1",
   "description": "Always: notify the local coordinator (district administration's DV unit).",
   "service": "coordinator_notice",
   "when": true,
   "mandatory": true,
   "requires_consent": false,
   "deadline": {
    "default": {
     "days": 1
    }
   }
  },
  {
   "id": "R2",
   "description": "A child victim, child witness (a victim since 19.12.2024) or child offender: notify the district service for children.",
   "service": "children_service_notice",
   "when": {
    "fact": "child_involved",
    "eq": true
   },
   "mandatory": true,
   "requires_consent": false,
   "deadline": {
    "default": {
     "days": 1
    }
   }
  },
  {
   "id": "R3",
   "description": "Not received by the police and (high risk or a child victim): notify the police; 1 hour at high risk, else 1 day.",
   "service": "police_notice",
   "when": {
    "all": [
     {
      "fact": "received_by_police",
      "eq": false
     },
     {
      "any": [
       {
        "fact": "risk_level",
        "eq": "high"
       },
       {
        "fact": "child_victim_or_witness",
        "eq": true
       }
      ]
     }
    ]
   },
   "mandatory": true,
   "requires_consent": false,
   "deadline": {
    "default": {
     "days": 1
    },
    "cases": [
     {
      "when": {
       "fact": "risk_level",
       "eq": "high"
      },
      "deadline": {
       "hours": 1
      }
     }
    ]
   }
  },
  {
   "id": "R4",
   "description": "Not received by the police, other cases: notify the police with the victim's consent.",
   "service": "police_notice",
   "when": {
    "fact": "received_by_police",
    "eq": false
   },
   "mandatory": false,
   "requires_consent": true,
   "deadline": {
    "default": {
     "days": 1
    }
   }
  },
  {
   "id": "R5",
   "description": "Always: assessment of needs by the district centre of social services; adults with consent, a child victim always.",
   "service": "needs_assessment",
   "when": true,
   "mandatory": {
    "fact": "child_victim_or_witness",
    "eq": true
   },
   "requires_consent": true,
   "deadline": {
    "default": {
     "working_days": 5
    }
   }
  },
  {
   "id": "R6",
   "description": "Need of shelter: a shelter (stay up to 3 months, 6 in difficult circumstances); at high risk and no shelter bed, a crisis room. 2 hours at high risk, else 1 day.",
   "service": "shelter",
   "when": {
    "fact": "needs",
    "contains": "shelter"
   },
   "mandatory": false,
   "requires_consent": true,
   "fallback": {
    "service": "crisis_room",
    "when": {
     "fact": "risk_level",
     "eq": "high"
    }
   },
   "deadline": {
    "default": {
     "days": 1
    },
    "cases": [
     {
      "when": {
       "fact": "risk_level",
       "eq": "high"
      },
      "deadline": {
       "hours": 2
      }
     }
    ]
   }
  },
  {
   "id": "R7",
   "description": "Need of psychological help, or high risk: a mobile team or day centre; 4 hours at high risk, else 3 working days.",
   "service": "psychological",
   "when": {
    "any": [
     {
      "fact": "needs",
      "contains": "psychological"
     },
     {
      "fact": "risk_level",
      "eq": "high"
     }
    ]
   },
   "mandatory": false,
   "requires_consent": true,
   "deadline": {
    "default": {
     "working_days": 3
    },
    "cases": [
     {
      "when": {
       "fact": "risk_level",
       "eq": "high"
      },
      "deadline": {
       "hours": 4
      }
     }
    ]
   }
  },
  {
   "id": "R8",
   "description": "Injuries or sexual violence: a health facility; 2 hours when sexual violence was at most 72 hours ago, else 1 day. Not mandatory for adults; mandatory for a child victim.",
   "service": "medical",
   "when": {
    "any": [
     {
      "fact": "injuries",
      "eq": true
     },
     {
      "fact": "forms",
      "contains": "sexual"
     }
    ]
   },
   "mandatory": {
    "fact": "child_victim_or_witness",
    "eq": true
   },
   "requires_consent": true,
   "deadline": {
    "default": {
     "days": 1
    },
    "cases": [
     {
      "when": {
       "all": [
        {
         "fact": "forms",
         "contains": "sexual"
        },
        {
         "fact": "hours_since_sexual_violence",
         "lte": 72
        }
       ]
      },
      "deadline": {
       "hours": 2
      }
     }
    ]
   }
  },
  {
   "id": "R9",
   "description": "Sexual violence against a child: notify the police (by phone) within 1 day.",
   "service": "police_notice",
   "when": {
    "all": [
     {
      "fact": "child_victim_or_witness",
      "eq": true
     },
     {
      "fact": "forms",
      "contains": "sexual"
     }
    ]
   },
   "mandatory": true,
   "requires_consent": false,
   "deadline": {
    "default": {
     "days": 1
    }
   }
  },
  {
   "id": "R10",
   "description": "Need of legal help: a free legal aid centre within 3 working days.",
   "service": "legal_aid",
   "when": {
    "fact": "needs",
    "contains": "legal"
   },
   "mandatory": false,
   "requires_consent": true,
   "deadline": {
    "default": {
     "working_days": 3
    }
   }
  },
  {
   "id": "R11",
   "description": "The victim lacks legal capacity (scenario 3): notify the district administration as guardianship authority within 1 day.",
   "service": "guardianship_notice",
   "when": {
    "any": [
     {
      "fact": "intake_scenario",
      "eq": 3
     },
     {
      "fact": "victim.incapacitated",
      "eq": true
     }
    ]
   },
   "mandatory": true,
   "requires_consent": false,
   "deadline": {
    "default": {
     "days": 1
    }
   }
  },
  {
   "id": "R12",
   "description": "An urgent order was issued, or the need of an offender programme: probation / programme provider within 10 working days. Concerns the offender, so the victim's consent is not asked.",
   "service": "offender_programme",
   "when": {
    "any": [
     {
      "fact": "urgent_order_issued",
      "eq": true
     },
     {
      "fact": "needs",
      "contains": "offender_programme"
     }
    ]
   },
   "mandatory": false,
   "requires_consent": false,
   "deadline": {
    "default": {
     "working_days": 10
    }
   }
  },
  {
   "id": "R13",
   "description": "Need of social, financial or children-related help: the district centre of social services within 5 working days.",
   "service": "social_services",
   "when": {
    "any": [
     {
      "fact": "needs",
      "contains": "social"
     },
     {
      "fact": "needs",
      "contains": "financial"
     },
     {
      "fact": "needs",
      "contains": "children"
     }
    ]
   },
   "mandatory": false,
   "requires_consent": true,
   "deadline": {
    "default": {
     "working_days": 5
    }
   }
  }
 ]
}
""")

# Public holidays of Ukraine 2023–2025. Under martial law (since 24.02.2022) they are not days
# off by law; the table is the source of truth for working-day deadlines and coordinators keep
# it (add, remove) in the portal.
HOLIDAYS = [
    ("2023-01-01", "Новий рік"), ("2023-04-16", "Великдень"), ("2023-05-01", "День праці"),
    ("2023-05-09", "День пам'яті та перемоги"), ("2023-06-04", "Трійця"),
    ("2023-06-28", "День Конституції"), ("2023-08-24", "День Незалежності"),
    ("2023-10-01", "День захисників і захисниць"), ("2023-12-25", "Різдво Христове"),
    ("2024-01-01", "Новий рік"), ("2024-03-08", "Міжнародний жіночий день"),
    ("2024-05-01", "День праці"), ("2024-05-05", "Великдень"), ("2024-05-08", "День пам'яті"),
    ("2024-06-23", "Трійця"), ("2024-06-28", "День Конституції"),
    ("2024-08-24", "День Незалежності"), ("2024-10-01", "День захисників і захисниць"),
    ("2024-12-25", "Різдво Христове"), ("2025-01-01", "Новий рік"),
    ("2025-04-20", "Великдень"), ("2025-05-01", "День праці"), ("2025-06-28", "День Конституції"),
    ("2025-08-24", "День Незалежності"), ("2025-10-01", "День захисників і захисниць"),
    ("2025-12-25", "Різдво Христове"),
]


def load(apps, schema_editor):
    RoutingPolicy = apps.get_model("referrals", "RoutingPolicy")
    Holiday = apps.get_model("referrals", "Holiday")
    if not RoutingPolicy.objects.filter(version=1).exists():
        RoutingPolicy.objects.create(
            version=1, rules=POLICY_V1["rules"], is_active=True, note=POLICY_V1["note"]
        )
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("referrals", "RoutingPolicy").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
