"""Due dates, reminders and the calendar feed."""
