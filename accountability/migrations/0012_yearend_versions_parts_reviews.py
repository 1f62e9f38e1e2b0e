"""Year-end assessment as a process (issue 11), schema: versions (YearEndRun: draft, published,
superseded) that the score rows belong to, each row's parts (ratings, tasks, exits against
the contract's targets), the half-year reviews (半年研判) and annual reports (全年述职).
The next two migrations move the stored scores into version 1 and grant the permissions."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
import villages.dates
from django.conf import settings
from django.db import migrations, models

class Migration(migrations.Migration):

    dependencies = [
        ('accountability', '0011_contract_constraint_messages'),
        ('villages', '0012_organization_code_message'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AnnualReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[villages.dates.validate_year], verbose_name='年度')),
                ('delivered_on', models.DateField(validators=[villages.dates.validate_year], verbose_name='述职日期')),
                ('summary', models.TextField(verbose_name='述职要点')),
                ('result', models.CharField(choices=[('good', '好'), ('fairly_good', '较好'), ('fair', '一般'), ('poor', '差')], max_length=16, verbose_name='评议结果')),
            ],
            options={
                'verbose_name': '全年述职',
                'verbose_name_plural': '全年述职',
                'ordering': ['year', 'cadre__code'],
                'permissions': [('record_annualreport', '可以在年终考评页面录入全年述职')],
            },
        ),
        migrations.CreateModel(
            name='HalfYearReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[villages.dates.validate_year], verbose_name='年度')),
                ('half', models.PositiveSmallIntegerField(choices=[(1, '上半年'), (2, '下半年')], default=1, verbose_name='半年')),
                ('held_on', models.DateField(validators=[villages.dates.validate_year], verbose_name='研判日期')),
                ('verdict', models.CharField(choices=[('on_track', '进度正常'), ('lagging', '进度滞后'), ('seriously_lagging', '严重滞后')], max_length=24, verbose_name='研判结论')),
                ('problems', models.TextField(blank=True, verbose_name='发现的问题')),
                ('conclusions', models.TextField(verbose_name='研判意见')),
            ],
            options={
                'verbose_name': '半年研判',
                'verbose_name_plural': '半年研判',
                'ordering': ['year', 'half', 'township__code'],
                'permissions': [('record_halfyearreview', '可以在年终考评页面录入半年研判')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalAnnualReport',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[villages.dates.validate_year], verbose_name='年度')),
                ('delivered_on', models.DateField(validators=[villages.dates.validate_year], verbose_name='述职日期')),
                ('summary', models.TextField(verbose_name='述职要点')),
                ('result', models.CharField(choices=[('good', '好'), ('fairly_good', '较好'), ('fair', '一般'), ('poor', '差')], max_length=16, verbose_name='评议结果')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical 全年述职',
                'verbose_name_plural': 'historical 全年述职',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalHalfYearReview',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[villages.dates.validate_year], verbose_name='年度')),
                ('half', models.PositiveSmallIntegerField(choices=[(1, '上半年'), (2, '下半年')], default=1, verbose_name='半年')),
                ('held_on', models.DateField(validators=[villages.dates.validate_year], verbose_name='研判日期')),
                ('verdict', models.CharField(choices=[('on_track', '进度正常'), ('lagging', '进度滞后'), ('seriously_lagging', '严重滞后')], max_length=24, verbose_name='研判结论')),
                ('problems', models.TextField(blank=True, verbose_name='发现的问题')),
                ('conclusions', models.TextField(verbose_name='研判意见')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical 半年研判',
                'verbose_name_plural': 'historical 半年研判',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='YearEndRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[villages.dates.validate_year], verbose_name='年度')),
                ('number', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='版本号')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('published', '已发布'), ('superseded', '已被取代')], default='draft', max_length=16, verbose_name='状态')),
                ('computed_at', models.DateTimeField(verbose_name='计算时间')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
            ],
            options={
                'verbose_name': '年终考评版本',
                'verbose_name_plural': '年终考评版本',
                'ordering': ['-year', '-number'],
            },
        ),
        migrations.AlterModelOptions(
            name='yearendscore',
            options={'ordering': ['-year', '-total'], 'permissions': [('compute_yearendscore', '可以计算年终考评'), ('publish_yearendscore', '可以发布年终考评')], 'verbose_name': '年终考评', 'verbose_name_plural': '年终考评'},
        ),
        migrations.RemoveConstraint(
            model_name='yearendscore',
            name='yearend_one_per_township_year',
        ),
        migrations.RemoveConstraint(
            model_name='yearendscore',
            name='yearend_one_per_cadre_year',
        ),
        migrations.AddField(
            model_name='yearendscore',
            name='exited_households',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='当年脱贫户数'),
        ),
        migrations.AddField(
            model_name='yearendscore',
            name='exits_score',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='当年脱贫户数占责任书目标脱贫户数的百分比（最高100）；空：没有目标。', max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='脱贫目标得分'),
        ),
        migrations.AddField(
            model_name='yearendscore',
            name='ratings_score',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='空：当年没有评定（无数据），由其他工作实绩部分按权重折算。', max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='业绩评定得分'),
        ),
        migrations.AddField(
            model_name='yearendscore',
            name='target_households',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='目标脱贫户数'),
        ),
        migrations.AddField(
            model_name='yearendscore',
            name='tasks_score',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='任务完成得分'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='cadre',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='annual_reports', to='villages.cadre', verbose_name='述职干部'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='annual_reports_recorded', to=settings.AUTH_USER_MODEL, verbose_name='录入人'),
        ),
        migrations.AddField(
            model_name='halfyearreview',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='half_year_reviews_recorded', to=settings.AUTH_USER_MODEL, verbose_name='录入人'),
        ),
        migrations.AddField(
            model_name='halfyearreview',
            name='township',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='half_year_reviews', to='villages.township', verbose_name='乡镇'),
        ),
        migrations.AddField(
            model_name='historicalannualreport',
            name='cadre',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='villages.cadre', verbose_name='述职干部'),
        ),
        migrations.AddField(
            model_name='historicalannualreport',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalannualreport',
            name='recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人'),
        ),
        migrations.AddField(
            model_name='historicalhalfyearreview',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalhalfyearreview',
            name='recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人'),
        ),
        migrations.AddField(
            model_name='historicalhalfyearreview',
            name='township',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='villages.township', verbose_name='乡镇'),
        ),
        migrations.AddField(
            model_name='yearendrun',
            name='computed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='year_end_runs_computed', to=settings.AUTH_USER_MODEL, verbose_name='计算人'),
        ),
        migrations.AddField(
            model_name='yearendrun',
            name='published_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='year_end_runs_published', to=settings.AUTH_USER_MODEL, verbose_name='发布人'),
        ),
        migrations.AddField(
            model_name='yearendscore',
            name='run',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='accountability.yearendrun', verbose_name='考评版本'),
        ),
        migrations.AddIndex(
            model_name='yearendscore',
            index=models.Index(fields=['run', '-total'], name='yearend_run_total_idx'),
        ),
        migrations.AddConstraint(
            model_name='yearendscore',
            constraint=models.CheckConstraint(condition=models.Q(('ratings_score__gte', 0), ('ratings_score__lte', 100), ('tasks_score__gte', 0), ('tasks_score__lte', 100), ('exits_score__gte', 0), ('exits_score__lte', 100)), name='yearend_parts_0_100'),
        ),
        migrations.AddConstraint(
            model_name='yearendscore',
            constraint=models.UniqueConstraint(condition=models.Q(('township__isnull', False)), fields=('run', 'township'), name='yearend_one_per_township_run'),
        ),
        migrations.AddConstraint(
            model_name='yearendscore',
            constraint=models.UniqueConstraint(condition=models.Q(('cadre__isnull', False)), fields=('run', 'cadre'), name='yearend_one_per_cadre_run'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.UniqueConstraint(fields=('year', 'cadre'), name='annualreport_one_per_cadre_year'),
        ),
        migrations.AddConstraint(
            model_name='halfyearreview',
            constraint=models.UniqueConstraint(fields=('year', 'half', 'township'), name='halfyear_one_per_township_half'),
        ),
        migrations.AddConstraint(
            model_name='halfyearreview',
            constraint=models.CheckConstraint(condition=models.Q(('half__in', [1, 2])), name='halfyear_half_1_or_2'),
        ),
        migrations.AddConstraint(
            model_name='yearendrun',
            constraint=models.UniqueConstraint(fields=('year', 'number'), name='yearend_run_number_per_year'),
        ),
        migrations.AddConstraint(
            model_name='yearendrun',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'published')), fields=('year',), name='yearend_run_one_published_per_year'),
        ),
        migrations.AddConstraint(
            model_name='yearendrun',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'draft')), fields=('year',), name='yearend_run_one_draft_per_year'),
        ),
        migrations.AddConstraint(
            model_name='yearendrun',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('published_at__isnull', True), ('status', 'draft')), models.Q(('published_at__isnull', False), ('status', 'published')), ('status', 'superseded'), _connector='OR'), name='yearend_run_published_has_date'),
        ),
    ]
