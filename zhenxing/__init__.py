"""振兴 (Zhenxing): consolidating poverty-alleviation gains and linking them to rural revitalisation."""
