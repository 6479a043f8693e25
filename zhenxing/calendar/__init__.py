"""工作日历: the official working-day calendar (holidays and 调休 workdays) every time limit counted
in 工作日 uses. The package ``chinesecalendar`` knows the years up to its release; administrators
enter a newer year here (``HolidayYear`` + its ``HolidayDay`` rows) until a newer package ships."""
