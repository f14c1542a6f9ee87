"""The buurtregie's rules as pure functions (no Django): which matches enter the agenda, the
weighing outcomes, who may read which note, the schedule and overdue actions."""
