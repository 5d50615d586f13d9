/* country.c - nationality and country names as the lists and queries write them, mapped to
 * ISO 3166 alpha-2 codes so that "af", "Afghanistan" and "Afghan" compare equal.
 * SPDX-License-Identifier: Apache-2.0 */
#include "haven/screening.h"

#include <string.h>

/* code:name|name|... ; names lower-case ASCII letters and single spaces. */
static const char *const countries[] = {
    "AF:afghanistan|afghan|islamic republic of afghanistan",
    "AL:albania|albanian",
    "DZ:algeria|algerian",
    "AO:angola|angolan",
    "AR:argentina|argentine|argentinian",
    "AM:armenia|armenian",
    "AU:australia|australian",
    "AT:austria|austrian",
    "AZ:azerbaijan|azerbaijani",
    "BH:bahrain|bahraini",
    "BD:bangladesh|bangladeshi",
    "BY:belarus|belarusian",
    "BE:belgium|belgian",
    "BJ:benin",
    "BT:bhutan",
    "BO:bolivia|bolivian",
    "BA:bosnia and herzegovina|bosnian",
    "BW:botswana",
    "BR:brazil|brazilian",
    "BG:bulgaria|bulgarian",
    "BF:burkina faso",
    "MM:burma|myanmar|burmese",
    "BI:burundi",
    "KH:cambodia|cambodian",
    "CM:cameroon",
    "CA:canada|canadian",
    "CF:central african republic",
    "TD:chad|chadian",
    "CL:chile|chilean",
    "CN:china|chinese|people s republic of china",
    "CO:colombia|colombian",
    "KM:comoros",
    "CG:congo|republic of the congo",
    "CD:democratic republic of the congo|drc|congo democratic republic of the",
    "CR:costa rica",
    "CI:ivory coast|cote d ivoire",
    "HR:croatia|croatian",
    "CU:cuba|cuban",
    "CY:cyprus",
    "CZ:czech republic|czechia|czech",
    "DK:denmark|danish",
    "DJ:djibouti",
    "DO:dominican republic",
    "EC:ecuador",
    "EG:egypt|egyptian",
    "SV:el salvador",
    "ER:eritrea|eritrean",
    "EE:estonia",
    "ET:ethiopia|ethiopian",
    "FI:finland|finnish",
    "FR:france|french",
    "GA:gabon",
    "GM:gambia",
    "GE:georgia|georgian",
    "DE:germany|german",
    "GH:ghana|ghanaian",
    "GR:greece|greek",
    "GT:guatemala",
    "GN:guinea",
    "GW:guinea bissau",
    "HT:haiti|haitian",
    "HN:honduras",
    "HK:hong kong",
    "HU:hungary|hungarian",
    "IN:india|indian",
    "ID:indonesia|indonesian",
    "IR:iran|iranian|iran islamic republic of|islamic republic of iran",
    "IQ:iraq|iraqi",
    "IE:ireland|irish",
    "IL:israel|israeli",
    "IT:italy|italian",
    "JM:jamaica",
    "JP:japan|japanese",
    "JO:jordan|jordanian",
    "KZ:kazakhstan|kazakh",
    "KE:kenya|kenyan",
    "KP:north korea|democratic people s republic of korea|dprk|korea north",
    "KR:south korea|republic of korea|korea south|korea",
    "XK:kosovo",
    "KW:kuwait|kuwaiti",
    "KG:kyrgyzstan|kyrgyz",
    "LA:laos|lao people s democratic republic",
    "LV:latvia",
    "LB:lebanon|lebanese",
    "LR:liberia|liberian",
    "LY:libya|libyan",
    "LT:lithuania",
    "MK:north macedonia|macedonia",
    "MG:madagascar",
    "MW:malawi",
    "MY:malaysia|malaysian",
    "MV:maldives",
    "ML:mali|malian",
    "MR:mauritania|mauritanian",
    "MX:mexico|mexican",
    "MD:moldova",
    "MN:mongolia",
    "ME:montenegro",
    "MA:morocco|moroccan",
    "MZ:mozambique",
    "NA:namibia",
    "NP:nepal|nepalese|nepali",
    "NL:netherlands|dutch",
    "NZ:new zealand",
    "NI:nicaragua",
    "NE:niger",
    "NG:nigeria|nigerian",
    "NO:norway|norwegian",
    "OM:oman|omani",
    "PK:pakistan|pakistani",
    "PS:palestine|state of palestine|palestinian|west bank|gaza",
    "PA:panama",
    "PY:paraguay",
    "PE:peru|peruvian",
    "PH:philippines|filipino|philippine",
    "PL:poland|polish",
    "PT:portugal|portuguese",
    "QA:qatar|qatari",
    "RO:romania|romanian",
    "RU:russia|russian federation|russian|former soviet union|ussr",
    "RW:rwanda|rwandan",
    "SA:saudi arabia|saudi",
    "SN:senegal|senegalese",
    "RS:serbia|serbian",
    "SL:sierra leone",
    "SG:singapore|singaporean",
    "SK:slovakia",
    "SI:slovenia",
    "SO:somalia|somali",
    "ZA:south africa|south african",
    "SS:south sudan",
    "ES:spain|spanish",
    "LK:sri lanka|sri lankan",
    "SD:sudan|sudanese",
    "SE:sweden|swedish",
    "CH:switzerland|swiss",
    "SY:syria|syrian arab republic|syrian",
    "TW:taiwan",
    "TJ:tajikistan|tajik",
    "TZ:tanzania|united republic of tanzania",
    "TH:thailand|thai",
    "TG:togo",
    "TT:trinidad and tobago",
    "TN:tunisia|tunisian",
    "TR:turkey|turkiye|turkish",
    "TM:turkmenistan|turkmen",
    "UG:uganda|ugandan",
    "UA:ukraine|ukrainian",
    "AE:united arab emirates|uae|emirati",
    "GB:united kingdom|united kingdom of great britain and northern ireland|uk|british|"
    "great britain",
    "US:united states|united states of america|usa|american",
    "UY:uruguay",
    "UZ:uzbekistan|uzbek",
    "VE:venezuela|venezuelan",
    "VN:vietnam|viet nam|vietnamese",
    "YE:yemen|yemeni",
    "ZM:zambia",
    "ZW:zimbabwe|zimbabwean",
};

/* Lower-cases ASCII letters, turns everything else into single spaces; drops non-ASCII bytes
 * except that "ü" of Türkiye is mapped to u. */
static size_t simplify(struct hv_str in, char *out, size_t out_len)
{
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < in.len && n + 2 < out_len; i++) {
        unsigned char c = (unsigned char)in.ptr[i];
        if (c == 0xC3 && i + 1 < in.len && (unsigned char)in.ptr[i + 1] == 0xBC) {
            c = 'u';
            i++;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z') {
            if (space && n > 0)
                out[n++] = ' ';
            space = false;
            out[n++] = (char)c;
        } else {
            space = true;
        }
    }
    out[n] = '\0';
    return n;
}

size_t hv_screen_country(struct hv_str in, char *out, size_t out_len)
{
    char s[128];
    size_t n = simplify(in, s, sizeof(s));
    if (out_len < 3) {
        if (out_len > 0)
            out[0] = '\0';
        return 0;
    }
    out[0] = '\0';
    if (n == 0 || strcmp(s, "na") == 0 || strcmp(s, "unknown") == 0)
        return 0;
    /* Drop a leading "the". */
    const char *p = s;
    if (strncmp(p, "the ", 4) == 0)
        p += 4;
    size_t pl = strlen(p);
    for (size_t i = 0; i < HV_ARRAY_LEN(countries); i++) {
        const char *c = countries[i];
        if (pl == 2 && (p[0] - 'a' + 'A') == c[0] && (p[1] - 'a' + 'A') == c[1]) {
            out[0] = c[0];
            out[1] = c[1];
            out[2] = '\0';
            return 2;
        }
        const char *q = c + 3;
        while (*q != '\0') {
            const char *e = strchr(q, '|');
            size_t ql = e != NULL ? (size_t)(e - q) : strlen(q);
            if (ql == pl && memcmp(q, p, pl) == 0) {
                out[0] = c[0];
                out[1] = c[1];
                out[2] = '\0';
                return 2;
            }
            q += ql;
            if (*q == '|')
                q++;
        }
    }
    if (pl == 2) {
        out[0] = (char)(p[0] - 'a' + 'A');
        out[1] = (char)(p[1] - 'a' + 'A');
        out[2] = '\0';
        return 2;
    }
    size_t k = pl < out_len - 1 ? pl : out_len - 1;
    memcpy(out, p, k);
    out[k] = '\0';
    return k;
}
