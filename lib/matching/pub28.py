"""USPS Publication 28 lookup tables (street suffixes, directionals, unit designators, states, ordinals)."""

from __future__ import annotations

# Appendix C1: "STANDARD: spellings seen in the wild". Every spelling maps to the standard abbreviation.
# BLV is not in Pub 28 but is a frequent real-world truncation of BOULEVARD, so it is folded in too.
_SUFFIXES = """
ALY: ALLEE ALLEY ALLY ALY
ANX: ANEX ANNEX ANNX ANX
ARC: ARC ARCADE
AVE: AV AVE AVEN AVENU AVENUE AVN AVNUE
BYU: BAYOO BAYOU BYU
BCH: BCH BEACH
BND: BEND BND
BLF: BLF BLUF BLUFF
BLFS: BLFS BLUFFS
BTM: BOT BOTTM BOTTOM BTM
BLVD: BLV BLVD BOUL BOULEVARD BOULV
BR: BR BRANCH BRNCH
BRG: BRDGE BRG BRIDGE
BRK: BRK BROOK
BRKS: BRKS BROOKS
BG: BG BURG
BGS: BGS BURGS
BYP: BYP BYPA BYPAS BYPASS BYPS
CP: CAMP CMP CP
CYN: CANYN CANYON CNYN CYN
CPE: CAPE CPE
CSWY: CAUSEWAY CAUSWA CSWY
CTR: CEN CENT CENTER CENTR CENTRE CNTER CNTR CTR
CTRS: CENTERS CTRS
CIR: CIR CIRC CIRCL CIRCLE CRCL CRCLE
CIRS: CIRCLES CIRS
CLF: CLF CLIFF
CLFS: CLFS CLIFFS
CLB: CLB CLUB
CMN: CMN COMMON
CMNS: CMNS COMMONS
COR: COR CORNER
CORS: CORNERS CORS
CRSE: COURSE CRSE
CT: COURT CT
CTS: COURTS CTS
CV: COVE CV
CVS: COVES CVS
CRK: CREEK CRK
CRES: CRES CRESCENT CRSENT CRSNT
CRST: CREST CRST
XING: CROSSING CRSSNG XING
XRD: CROSSROAD XRD
XRDS: CROSSROADS XRDS
CURV: CURV CURVE
DL: DALE DL
DM: DAM DM
DV: DIV DIVIDE DV DVD
DR: DR DRIV DRIVE DRV
DRS: DRIVES DRS
EST: EST ESTATE
ESTS: ESTATES ESTS
EXPY: EXP EXPR EXPRESS EXPRESSWAY EXPW EXPY
EXT: EXT EXTENSION EXTN EXTNSN
EXTS: EXTENSIONS EXTS
FALL: FALL
FLS: FALLS FLS
FRY: FERRY FRRY FRY
FLD: FIELD FLD
FLDS: FIELDS FLDS
FLT: FLAT FLT
FLTS: FLATS FLTS
FRD: FORD FRD
FRDS: FORDS FRDS
FRST: FOREST FORESTS FRST
FRG: FORG FORGE FRG
FRGS: FORGES FRGS
FRK: FORK FRK
FRKS: FORKS FRKS
FT: FORT FRT FT
FWY: FREEWAY FREEWY FRWAY FRWY FWY
GDN: GARDEN GARDN GDN GRDEN GRDN
GDNS: GARDENS GDNS GRDNS
GTWY: GATEWAY GATEWY GATWAY GTWAY GTWY
GLN: GLEN GLN
GLNS: GLENS GLNS
GRN: GREEN GRN
GRNS: GREENS GRNS
GRV: GROV GROVE GRV
GRVS: GROVES GRVS
HBR: HARB HARBOR HARBR HBR HRBOR
HBRS: HARBORS HBRS
HVN: HAVEN HVN
HTS: HEIGHTS HT HTS
HWY: HIGHWAY HIGHWY HIWAY HIWY HWAY HWY
HL: HILL HL
HLS: HILLS HLS
HOLW: HLLW HOLLOW HOLLOWS HOLW HOLWS
INLT: INLET INLT
IS: IS ISLAND ISLND
ISS: ISLANDS ISLNDS ISS
ISLE: ISLE ISLES
JCT: JCT JCTION JCTN JUNCTION JUNCTN JUNCTON
JCTS: JCTNS JCTS JUNCTIONS
KY: KEY KY
KYS: KEYS KYS
KNL: KNL KNOL KNOLL
KNLS: KNLS KNOLLS
LK: LAKE LK
LKS: LAKES LKS
LAND: LAND
LNDG: LANDING LNDG LNDNG
LN: LA LANE LN
LGT: LGT LIGHT
LGTS: LGTS LIGHTS
LF: LF LOAF
LCK: LCK LOCK
LCKS: LCKS LOCKS
LDG: LDG LDGE LODG LODGE
LOOP: LOOP LOOPS
MALL: MALL
MNR: MANOR MNR
MNRS: MANORS MNRS
MDW: MDW MEADOW
MDWS: MDWS MEADOWS MEDOWS
MEWS: MEWS
ML: MILL ML
MLS: MILLS MLS
MSN: MISSN MSN MSSN
MTWY: MOTORWAY MTWY
MT: MNT MOUNT MT
MTN: MNTAIN MNTN MOUNTAIN MOUNTIN MTIN MTN
MTNS: MNTNS MOUNTAINS MTNS
NCK: NCK NECK
ORCH: ORCH ORCHARD ORCHRD
OVAL: OVAL OVL
OPAS: OPAS OVERPASS
PARK: PARK PARKS PRK
PKWY: PARKWAY PARKWAYS PARKWY PKWAY PKWY PKWYS PKY
PASS: PASS
PSGE: PASSAGE PSGE
PATH: PATH PATHS
PIKE: PIKE PIKES
PNE: PINE PNE
PNES: PINES PNES
PL: PL PLACE
PLN: PLAIN PLN
PLNS: PLAINS PLNS
PLZ: PLAZA PLZ PLZA
PT: POINT PT
PTS: POINTS PTS
PRT: PORT PRT
PRTS: PORTS PRTS
PR: PR PRAIRIE PRR
RADL: RAD RADIAL RADIEL RADL
RAMP: RAMP
RNCH: RANCH RANCHES RNCH RNCHS
RPD: RAPID RPD
RPDS: RAPIDS RPDS
RST: REST RST
RDG: RDG RDGE RIDGE
RDGS: RDGS RIDGES
RIV: RIV RIVER RIVR RVR
RD: RD ROAD
RDS: RDS ROADS
RTE: ROUTE RTE
ROW: ROW
RUE: RUE
RUN: RUN
SHL: SHL SHOAL
SHLS: SHLS SHOALS
SHR: SHOAR SHORE SHR
SHRS: SHOARS SHORES SHRS
SKWY: SKWY SKYWAY
SPG: SPG SPNG SPRING SPRNG
SPGS: SPGS SPNGS SPRINGS SPRNGS
SPUR: SPUR SPURS
SQ: SQ SQR SQRE SQU SQUARE
SQS: SQRS SQS SQUARES
STA: STA STATION STATN STN
STRA: STRA STRAV STRAVEN STRAVENUE STRAVN STRVN STRVNUE
STRM: STREAM STREME STRM
ST: ST STR STREET STRT
STS: STREETS STS
SMT: SMT SUMIT SUMITT SUMMIT
TER: TER TERR TERRACE
TRWY: THROUGHWAY TRWY
TRCE: TRACE TRACES TRCE
TRAK: TRACK TRACKS TRAK TRK TRKS
TRFY: TRAFFICWAY TRFY
TRL: TRAIL TRAILS TRL TRLS
TRLR: TRAILER TRLR TRLRS
TUNL: TUNEL TUNL TUNLS TUNNEL TUNNELS TUNNL
TPKE: TPKE TRNPK TURNPIKE TURNPK
UPAS: UNDERPASS UPAS
UN: UN UNION
UNS: UNIONS UNS
VLY: VALLEY VALLY VLLY VLY
VLYS: VALLEYS VLYS
VIA: VDCT VIA VIADCT VIADUCT
VW: VIEW VW
VWS: VIEWS VWS
VLG: VILL VILLAG VILLAGE VILLG VILLIAGE VLG
VLGS: VILLAGES VLGS
VL: VILLE VL
VIS: VIS VIST VISTA VST VSTA
WALK: WALK WALKS
WALL: WALL
WAY: WAY WY
WAYS: WAYS
WL: WELL WL
WLS: WELLS WLS
"""


def _parse(table: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in table.strip().splitlines():
        std, spellings = line.split(":")
        for s in spellings.split():
            out[s.lower()] = std.strip().lower()
    return out


STREET_SUFFIXES: dict[str, str] = _parse(_SUFFIXES)


def _long_forms(table: str) -> dict[str, str]:
    """Standard abbreviation -> its spelled-out word ('bch' -> 'beach'; plural only for plural types)."""
    out: dict[str, str] = {}
    for line in table.strip().splitlines():
        std, spellings = line.split(":")
        std = std.strip().lower()
        words = [w.lower() for w in spellings.split()]
        if not std.endswith("s"):
            words = [w for w in words if not w.endswith("s")] or words
        out[std] = max(words, key=len)
    return out


# Used inside street names ("Beach Ave", "Mount Vernon Pl") where a typo should stay close to the word.
SUFFIX_LONG: dict[str, str] = _long_forms(_SUFFIXES)

# Directionals (Pub 28 B): spelled out or abbreviated, one or two words.
DIRECTIONALS: dict[str, str] = {
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "n": "n",
    "s": "s",
    "e": "e",
    "w": "w",
    "ne": "ne",
    "nw": "nw",
    "se": "se",
    "sw": "sw",
}

# Appendix C2 secondary unit designators, plus the '#' and common non-standard spellings.
UNIT_DESIGNATORS: dict[str, str] = {
    **_parse(
        """
APT: APT APARTMENT
BSMT: BSMT BASEMENT
BLDG: BLDG BUILDING
DEPT: DEPT DEPARTMENT
FL: FL FLR FLOOR
FRNT: FRNT FRONT
HNGR: HNGR HANGAR
KEY: KEY
LBBY: LBBY LOBBY
LOT: LOT
LOWR: LOWR LOWER
OFC: OFC OFFICE
PH: PH PENTHOUSE
PIER: PIER
REAR: REAR
RM: RM ROOM
SIDE: SIDE
SLIP: SLIP
SPC: SPC SPACE
STOP: STOP
STE: STE SUITE SUIT STES
TRLR: TRLR
UNIT: UNIT UNT
UPPR: UPPR UPPER
"""
    ),
    "#": "#",
    "no": "#",
}

# Designators that never carry an identifier (Pub 28: BSMT, FRNT, LBBY, LOWR, OFC, PH, REAR, SIDE, UPPR).
UNIT_WITHOUT_ID: frozenset[str] = frozenset(
    {"bsmt", "frnt", "lbby", "lowr", "ofc", "ph", "rear", "side", "uppr"}
)

STATES: dict[str, str] = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "district of columbia": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "american samoa": "AS",
    "guam": "GU",
    "northern mariana islands": "MP",
    "puerto rico": "PR",
    "virgin islands": "VI",
    "us virgin islands": "VI",
    "washington dc": "DC",
    "d c": "DC",
}
STATE_CODES: frozenset[str] = frozenset(STATES.values())

_ONES = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS_ORD = {
    2: "twentieth",
    3: "thirtieth",
    4: "fortieth",
    5: "fiftieth",
    6: "sixtieth",
    7: "seventieth",
    8: "eightieth",
    9: "ninetieth",
}
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _ordinal_words() -> dict[str, str]:
    """Spelled-out ordinals 1-99 ('twenty first', 'twenty-first', 'twentyfirst') to '21st'."""
    out: dict[str, str] = {}
    for n in range(1, 100):
        if n < 10:
            words = [_ONES[n]]
        elif n < 20:
            words = [_TEENS[n - 10]]
        elif n % 10 == 0:
            words = [_TENS_ORD[n // 10]]
        else:
            t, o = _TENS[n // 10], _ONES[n % 10]
            words = [f"{t} {o}", f"{t}-{o}", f"{t}{o}"]
        for w in words:
            out[w] = f"{n}{_suffix(n)}"
    return out


ORDINALS: dict[str, str] = _ordinal_words()


def ordinal_of(n: int) -> str:
    """The numeric ordinal for n: 1 -> '1st', 12 -> '12th', 23 -> '23rd'."""
    return f"{n}{_suffix(n)}"
