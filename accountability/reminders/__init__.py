"""Reminders (催报): who owes what this week (selectors), the channels that reach him
(channels: email, the work group's robot), sending and recording (services), the 提醒
panel and the record page (views); ``manage.py send_reminders`` runs it from cron."""
