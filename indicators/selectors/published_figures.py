"""The published national figures of DOMAIN.md ("riket", percent of responding units), by indicator
and year: what the system's national values must reproduce when fed the real unit-level answers.
Reference data for the tests and the benchmarks; nothing at run time reads it."""

PUBLISHED: dict[str, dict[int, int]] = {
    "VINR01": {2017: 25, 2018: 35},
    "VINR02": {2016: 16, 2017: 14, 2018: 15, 2019: 22, 2020: 21, 2023: 28, 2024: 34},
    "VINR03": {2016: 84, 2017: 88, 2018: 93, 2019: 95, 2020: 96},
    "VINR04": {2016: 79, 2017: 78, 2018: 86, 2019: 92, 2020: 94},
    "VINR05": {2016: 11, 2017: 9, 2018: 10, 2019: 8},
    "VINR06": {2019: 12, 2023: 11, 2024: 14},
    "VINR07": {2019: 11, 2023: 15, 2024: 18},
    "VINR08A": {2017: 33, 2024: 37},
    "VINR08B": {2024: 28},
    "VINR08C": {2024: 19},
    "VINR08D": {2024: 18},
    "VINR08E": {2017: 20, 2024: 14},
    "VINR08F": {2024: 23},
    "VINR09": {2024: 84},
    "VINR10": {2024: 84},
    "VINR11": {2023: 63, 2024: 65},
    "VINR12": {2023: 64, 2024: 64},
}
