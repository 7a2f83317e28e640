"""Classifications used on membership forms (docs/domain.md, Members and enterprises)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities management")
    O = "O", _("Resident, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")


# The range of two-digit divisions (大类) under each section, to check "C39"-style codes.
INDUSTRY_DIVISIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50),
    "F": (51, 52), "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69),
    "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82),
    "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}  # fmt: skip


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Ownership(models.TextChoices):
    PRIVATE = "private", _("Private")
    INDIVIDUAL = "individual", _("Individual business")
    FOREIGN = "foreign", _("Foreign-invested")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan-invested")
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    COOPERATIVE = "cooperative", _("Farmers' cooperative")
    OTHER = "other", _("Other")


class LegalForm(models.TextChoices):
    LLC = "llc", _("Limited liability company")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    SOLE = "sole", _("Sole proprietorship")
    PARTNERSHIP = "partnership", _("Partnership")
    INDIVIDUAL = "individual", _("Individual business")
    COOPERATIVE = "cooperative", _("Cooperative")
    OTHER = "other", _("Other")


class PartyOrganisation(models.TextChoices):
    """Party building in non-public firms (非公党建, docs/domain.md)."""

    NONE = "none", _("None")
    OWN_BRANCH = "own", _("Own party organisation")
    JOINT_BRANCH = "joint", _("Joint party branch")
    INSTRUCTOR = "instructor", _("Party-building instructor only")


class Qualification(models.TextChoices):
    """Recognitions an enterprise holds (企业资质) that policies are often written for: declared
    by the enterprise with a validity date, verified by staff (EnterpriseQualification)."""

    HIGH_TECH = "high_tech", _("High and new technology enterprise")
    TECH_SME = "tech_sme", _("Technology-based SME")
    INNOVATIVE_SME = "innovative_sme", _("Innovative SME")
    SPECIALISED = "specialised", _("Specialised, refined, distinctive and innovative SME")
    LITTLE_GIANT = "little_giant", _("Specialised and innovative “little giant”")
    SMALL_LOW_PROFIT = "small_low_profit", _("Small low-profit enterprise")
    TIME_HONOURED = "time_honoured", _("Time-honoured brand")
    TECH_CENTRE = "tech_centre", _("Enterprise technology centre")
