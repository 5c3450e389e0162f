"""The in-app notification list: what each person is asked to act on, and how they hear of it."""
