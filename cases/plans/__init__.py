"""The case plan and the safety plan (issue 14, "case management in depth").

- `suggestions`: pure reference data — safety steps proposed from the risk questionnaire's
  item codes, situations, places, documents to take, hotlines (DOMAIN §1);
- `content`: pure — the safety plan as plain data, and what changed between two versions;
- `models`: the plans, their goals and actions, and their versions (imported in cases.models);
- `services`: writes (safety plan save, case plan goals and actions, approval, action ↔ task);
- `selectors`, `forms`, `views`, `pdf`, `urls`: the "План" tab and its pages.
"""
