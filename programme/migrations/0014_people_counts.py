"""PeopleCount: the people rollup counted by what the readers filter on (issue 15).

The 9-month statistics spent half their time counting 500 000 PersonDay rows; grouped by what
the figures read they are 60 000. Filled here from the PersonDay rows already there, so the
figures read the same before and after; programme.rollups keeps it from then on.
"""

from django.db import migrations, models

COLUMNS = (
    "day, kind, service, sex, age_group, earlier, prev_kind, prev_repeat, prev_group, prev_child"
)
FILL = (
    f"INSERT INTO programme_peoplecount ({COLUMNS}, n) "
    f"SELECT {COLUMNS}, COUNT(*) FROM programme_personday GROUP BY {COLUMNS}"
)


class Migration(migrations.Migration):

    dependencies = [
        ('programme', '0013_rollups_ignore_last_activity'),
    ]

    operations = [
        migrations.CreateModel(
            name='PeopleCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('kind', models.CharField(max_length=16)),
                ('service', models.CharField(blank=True, default='', max_length=32)),
                ('sex', models.CharField(blank=True, max_length=8, null=True)),
                ('age_group', models.CharField(max_length=8)),
                ('earlier', models.BooleanField(default=False)),
                ('prev_kind', models.DateField(null=True)),
                ('prev_repeat', models.DateField(null=True)),
                ('prev_group', models.DateField(null=True)),
                ('prev_child', models.DateField(null=True)),
                ('n', models.PositiveIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['day'], name='people_count_day')],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
