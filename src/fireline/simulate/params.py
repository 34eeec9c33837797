"""Disease and run parameters as plain numbers, with the sources of the defaults.

The defaults describe a COVID-19-like respiratory outbreak. They are only the
simulator's defaults: the disease rules Fireline enforces come from the disease
profiles (YAML), never from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DiseaseParams:
    """What drives the branching process and the follow-up records."""

    disease: str = "covid19"  # the code of the shipped profile
    # Serial interval: mean 4.7 d, sd 2.9 d (Nishiura, Linton & Akhmetzhanov 2020,
    # "Serial interval of novel coronavirus (COVID-19) infections", IJID 93:284).
    serial_interval_mean: float = 4.7
    serial_interval_sd: float = 2.9
    # R0 about 2.5 before control (Li et al. 2020, NEJM 382:1199 give 2.2; later
    # estimates are higher). ``control_effect`` is the share of transmission that
    # control removes once in force: R falls to R0 * (1 - control_effect) < 1.
    # 0.72 brings R to 0.7, so that the wave falls over six to ten weeks.
    r0: float = 2.5
    control_effect: float = 0.72
    # Days over which control ramps up (logistic scale).
    control_ramp_days: float = 5.0
    # Negative binomial offspring with dispersion k (Lloyd-Smith et al. 2005,
    # "Superspreading and the effect of individual variation on disease
    # emergence", Nature 438:355); k = 0.1 for SARS-CoV-2 (Endo et al. 2020,
    # Wellcome Open Research 5:67).
    dispersion_k: float = 0.1
    # Incubation period: mean 5.2 d (Li et al. 2020, NEJM 382:1199), lognormal
    # with sd 2.8 d (Lauer et al. 2020, Ann Intern Med 172:577, median 5.1 d).
    incubation_mean: float = 5.2
    incubation_sd: float = 2.8
    # Non-case contacts listed per case (Poisson mean), on top of the infectees.
    contacts_per_case: float = 8.0
    # Share of cases that are imported (chain roots); imports arrive in the seed
    # county during the first ``import_days`` days.
    share_imported: float = 0.01
    import_days: int = 14
    # Onset to report, days (Poisson mean).
    report_delay_mean: float = 2.0
    # About one infection in five never has symptoms (Buitrago-Garcia et al.
    # 2020, PLoS Medicine 17:e1003346): these cases have no onset date.
    share_asymptomatic: float = 0.2
    case_fatality: float = 0.005
    # Quarantine after the last exposure, by contact category (days, kind).
    quarantine_days: dict[str, int] = field(
        default_factory=lambda: {"close": 14, "secondary_close": 7}
    )
    quarantine_kind: dict[str, str] = field(
        default_factory=lambda: {"close": "facility", "secondary_close": "home"}
    )
    # Venue visits per case in its infectious window, and background visits
    # by non-cases per case (so that venue matching has something to sift).
    check_ins_per_case: float = 2.0
    background_check_ins_per_case: float = 3.0

    def validate(self) -> None:
        """Raise ValueError with one clear line if the parameters cannot work."""
        checks = [
            (
                self.serial_interval_mean > 0 and self.serial_interval_sd > 0,
                "serial interval mean and sd must be positive",
            ),
            (
                self.incubation_mean > 0 and self.incubation_sd > 0,
                "incubation mean and sd must be positive",
            ),
            (self.r0 > 0, "R0 must be positive"),
            (0 <= self.control_effect <= 1, "control effect must be between 0 and 1"),
            (
                self.r0 * (1 - self.control_effect) < 1,
                "R0 * (1 - control effect) must be below 1 so that the wave ends",
            ),
            (self.dispersion_k > 0, "dispersion k must be positive"),
            (0 <= self.share_imported <= 1, "share imported must be between 0 and 1"),
            (0 <= self.share_asymptomatic <= 1, "share asymptomatic must be between 0 and 1"),
            (self.contacts_per_case >= 0, "contacts per case must not be negative"),
            (self.import_days >= 1, "import days must be at least 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


MIN_CASES = 1
MAX_CASES = 10_000_000
