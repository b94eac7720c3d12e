/* country: the ISO 3166-1 table (from Debian's iso-codes 3166-1 list) and the
 * aliases people write for the countries they post to most. */
#include "domain/country.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct country {
    const char *alpha2, *alpha3;
    const char *name, *common, *official; /* ISO short name; other ISO forms or NULL */
};

static const struct country countries[] = {
    {"AD", "AND", "Andorra", "Principality of Andorra", NULL},
    {"AE", "ARE", "United Arab Emirates", NULL, NULL},
    {"AF", "AFG", "Afghanistan", "Islamic Republic of Afghanistan", NULL},
    {"AG", "ATG", "Antigua and Barbuda", NULL, NULL},
    {"AI", "AIA", "Anguilla", NULL, NULL},
    {"AL", "ALB", "Albania", "Republic of Albania", NULL},
    {"AM", "ARM", "Armenia", "Republic of Armenia", NULL},
    {"AO", "AGO", "Angola", "Republic of Angola", NULL},
    {"AQ", "ATA", "Antarctica", NULL, NULL},
    {"AR", "ARG", "Argentina", "Argentine Republic", NULL},
    {"AS", "ASM", "American Samoa", NULL, NULL},
    {"AT", "AUT", "Austria", "Republic of Austria", NULL},
    {"AU", "AUS", "Australia", NULL, NULL},
    {"AW", "ABW", "Aruba", NULL, NULL},
    {"AX", "ALA", "Åland Islands", NULL, NULL},
    {"AZ", "AZE", "Azerbaijan", "Republic of Azerbaijan", NULL},
    {"BA", "BIH", "Bosnia and Herzegovina", "Republic of Bosnia and Herzegovina", NULL},
    {"BB", "BRB", "Barbados", NULL, NULL},
    {"BD", "BGD", "Bangladesh", "People's Republic of Bangladesh", NULL},
    {"BE", "BEL", "Belgium", "Kingdom of Belgium", NULL},
    {"BF", "BFA", "Burkina Faso", NULL, NULL},
    {"BG", "BGR", "Bulgaria", "Republic of Bulgaria", NULL},
    {"BH", "BHR", "Bahrain", "Kingdom of Bahrain", NULL},
    {"BI", "BDI", "Burundi", "Republic of Burundi", NULL},
    {"BJ", "BEN", "Benin", "Republic of Benin", NULL},
    {"BL", "BLM", "Saint Barthélemy", NULL, NULL},
    {"BM", "BMU", "Bermuda", NULL, NULL},
    {"BN", "BRN", "Brunei Darussalam", NULL, NULL},
    {"BO", "BOL", "Bolivia, Plurinational State of", "Bolivia", "Plurinational State of Bolivia"},
    {"BQ", "BES", "Bonaire, Sint Eustatius and Saba", NULL, NULL},
    {"BR", "BRA", "Brazil", "Federative Republic of Brazil", NULL},
    {"BS", "BHS", "Bahamas", "Commonwealth of the Bahamas", NULL},
    {"BT", "BTN", "Bhutan", "Kingdom of Bhutan", NULL},
    {"BV", "BVT", "Bouvet Island", NULL, NULL},
    {"BW", "BWA", "Botswana", "Republic of Botswana", NULL},
    {"BY", "BLR", "Belarus", "Republic of Belarus", NULL},
    {"BZ", "BLZ", "Belize", NULL, NULL},
    {"CA", "CAN", "Canada", NULL, NULL},
    {"CC", "CCK", "Cocos (Keeling) Islands", NULL, NULL},
    {"CD", "COD", "Congo, The Democratic Republic of the", NULL, NULL},
    {"CF", "CAF", "Central African Republic", NULL, NULL},
    {"CG", "COG", "Congo", "Republic of the Congo", NULL},
    {"CH", "CHE", "Switzerland", "Swiss Confederation", NULL},
    {"CI", "CIV", "Côte d'Ivoire", "Republic of Côte d'Ivoire", NULL},
    {"CK", "COK", "Cook Islands", NULL, NULL},
    {"CL", "CHL", "Chile", "Republic of Chile", NULL},
    {"CM", "CMR", "Cameroon", "Republic of Cameroon", NULL},
    {"CN", "CHN", "China", "People's Republic of China", NULL},
    {"CO", "COL", "Colombia", "Republic of Colombia", NULL},
    {"CR", "CRI", "Costa Rica", "Republic of Costa Rica", NULL},
    {"CU", "CUB", "Cuba", "Republic of Cuba", NULL},
    {"CV", "CPV", "Cabo Verde", "Republic of Cabo Verde", NULL},
    {"CW", "CUW", "Curaçao", NULL, NULL},
    {"CX", "CXR", "Christmas Island", NULL, NULL},
    {"CY", "CYP", "Cyprus", "Republic of Cyprus", NULL},
    {"CZ", "CZE", "Czechia", "Czech Republic", NULL},
    {"DE", "DEU", "Germany", "Federal Republic of Germany", NULL},
    {"DJ", "DJI", "Djibouti", "Republic of Djibouti", NULL},
    {"DK", "DNK", "Denmark", "Kingdom of Denmark", NULL},
    {"DM", "DMA", "Dominica", "Commonwealth of Dominica", NULL},
    {"DO", "DOM", "Dominican Republic", NULL, NULL},
    {"DZ", "DZA", "Algeria", "People's Democratic Republic of Algeria", NULL},
    {"EC", "ECU", "Ecuador", "Republic of Ecuador", NULL},
    {"EE", "EST", "Estonia", "Republic of Estonia", NULL},
    {"EG", "EGY", "Egypt", "Arab Republic of Egypt", NULL},
    {"EH", "ESH", "Western Sahara", NULL, NULL},
    {"ER", "ERI", "Eritrea", "the State of Eritrea", NULL},
    {"ES", "ESP", "Spain", "Kingdom of Spain", NULL},
    {"ET", "ETH", "Ethiopia", "Federal Democratic Republic of Ethiopia", NULL},
    {"FI", "FIN", "Finland", "Republic of Finland", NULL},
    {"FJ", "FJI", "Fiji", "Republic of Fiji", NULL},
    {"FK", "FLK", "Falkland Islands (Malvinas)", NULL, NULL},
    {"FM", "FSM", "Micronesia, Federated States of", "Federated States of Micronesia", NULL},
    {"FO", "FRO", "Faroe Islands", NULL, NULL},
    {"FR", "FRA", "France", "French Republic", NULL},
    {"GA", "GAB", "Gabon", "Gabonese Republic", NULL},
    {"GB", "GBR", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland", NULL},
    {"GD", "GRD", "Grenada", NULL, NULL},
    {"GE", "GEO", "Georgia", NULL, NULL},
    {"GF", "GUF", "French Guiana", NULL, NULL},
    {"GG", "GGY", "Guernsey", NULL, NULL},
    {"GH", "GHA", "Ghana", "Republic of Ghana", NULL},
    {"GI", "GIB", "Gibraltar", NULL, NULL},
    {"GL", "GRL", "Greenland", NULL, NULL},
    {"GM", "GMB", "Gambia", "Republic of the Gambia", NULL},
    {"GN", "GIN", "Guinea", "Republic of Guinea", NULL},
    {"GP", "GLP", "Guadeloupe", NULL, NULL},
    {"GQ", "GNQ", "Equatorial Guinea", "Republic of Equatorial Guinea", NULL},
    {"GR", "GRC", "Greece", "Hellenic Republic", NULL},
    {"GS", "SGS", "South Georgia and the South Sandwich Islands", NULL, NULL},
    {"GT", "GTM", "Guatemala", "Republic of Guatemala", NULL},
    {"GU", "GUM", "Guam", NULL, NULL},
    {"GW", "GNB", "Guinea-Bissau", "Republic of Guinea-Bissau", NULL},
    {"GY", "GUY", "Guyana", "Republic of Guyana", NULL},
    {"HK", "HKG", "Hong Kong", "Hong Kong Special Administrative Region of China", NULL},
    {"HM", "HMD", "Heard Island and McDonald Islands", NULL, NULL},
    {"HN", "HND", "Honduras", "Republic of Honduras", NULL},
    {"HR", "HRV", "Croatia", "Republic of Croatia", NULL},
    {"HT", "HTI", "Haiti", "Republic of Haiti", NULL},
    {"HU", "HUN", "Hungary", NULL, NULL},
    {"ID", "IDN", "Indonesia", "Republic of Indonesia", NULL},
    {"IE", "IRL", "Ireland", NULL, NULL},
    {"IL", "ISR", "Israel", "State of Israel", NULL},
    {"IM", "IMN", "Isle of Man", NULL, NULL},
    {"IN", "IND", "India", "Republic of India", NULL},
    {"IO", "IOT", "British Indian Ocean Territory", NULL, NULL},
    {"IQ", "IRQ", "Iraq", "Republic of Iraq", NULL},
    {"IR", "IRN", "Iran, Islamic Republic of", "Iran", "Islamic Republic of Iran"},
    {"IS", "ISL", "Iceland", "Republic of Iceland", NULL},
    {"IT", "ITA", "Italy", "Italian Republic", NULL},
    {"JE", "JEY", "Jersey", NULL, NULL},
    {"JM", "JAM", "Jamaica", NULL, NULL},
    {"JO", "JOR", "Jordan", "Hashemite Kingdom of Jordan", NULL},
    {"JP", "JPN", "Japan", NULL, NULL},
    {"KE", "KEN", "Kenya", "Republic of Kenya", NULL},
    {"KG", "KGZ", "Kyrgyzstan", "Kyrgyz Republic", NULL},
    {"KH", "KHM", "Cambodia", "Kingdom of Cambodia", NULL},
    {"KI", "KIR", "Kiribati", "Republic of Kiribati", NULL},
    {"KM", "COM", "Comoros", "Union of the Comoros", NULL},
    {"KN", "KNA", "Saint Kitts and Nevis", NULL, NULL},
    {"KP", "PRK", "Korea, Democratic People's Republic of", "North Korea",
     "Democratic People's Republic of Korea"},
    {"KR", "KOR", "Korea, Republic of", "South Korea", NULL},
    {"KW", "KWT", "Kuwait", "State of Kuwait", NULL},
    {"KY", "CYM", "Cayman Islands", NULL, NULL},
    {"KZ", "KAZ", "Kazakhstan", "Republic of Kazakhstan", NULL},
    {"LA", "LAO", "Lao People's Democratic Republic", "Laos", NULL},
    {"LB", "LBN", "Lebanon", "Lebanese Republic", NULL},
    {"LC", "LCA", "Saint Lucia", NULL, NULL},
    {"LI", "LIE", "Liechtenstein", "Principality of Liechtenstein", NULL},
    {"LK", "LKA", "Sri Lanka", "Democratic Socialist Republic of Sri Lanka", NULL},
    {"LR", "LBR", "Liberia", "Republic of Liberia", NULL},
    {"LS", "LSO", "Lesotho", "Kingdom of Lesotho", NULL},
    {"LT", "LTU", "Lithuania", "Republic of Lithuania", NULL},
    {"LU", "LUX", "Luxembourg", "Grand Duchy of Luxembourg", NULL},
    {"LV", "LVA", "Latvia", "Republic of Latvia", NULL},
    {"LY", "LBY", "Libya", NULL, NULL},
    {"MA", "MAR", "Morocco", "Kingdom of Morocco", NULL},
    {"MC", "MCO", "Monaco", "Principality of Monaco", NULL},
    {"MD", "MDA", "Moldova, Republic of", "Moldova", "Republic of Moldova"},
    {"ME", "MNE", "Montenegro", NULL, NULL},
    {"MF", "MAF", "Saint Martin (French part)", NULL, NULL},
    {"MG", "MDG", "Madagascar", "Republic of Madagascar", NULL},
    {"MH", "MHL", "Marshall Islands", "Republic of the Marshall Islands", NULL},
    {"MK", "MKD", "North Macedonia", "Republic of North Macedonia", NULL},
    {"ML", "MLI", "Mali", "Republic of Mali", NULL},
    {"MM", "MMR", "Myanmar", "Republic of Myanmar", NULL},
    {"MN", "MNG", "Mongolia", NULL, NULL},
    {"MO", "MAC", "Macao", "Macao Special Administrative Region of China", NULL},
    {"MP", "MNP", "Northern Mariana Islands", "Commonwealth of the Northern Mariana Islands", NULL},
    {"MQ", "MTQ", "Martinique", NULL, NULL},
    {"MR", "MRT", "Mauritania", "Islamic Republic of Mauritania", NULL},
    {"MS", "MSR", "Montserrat", NULL, NULL},
    {"MT", "MLT", "Malta", "Republic of Malta", NULL},
    {"MU", "MUS", "Mauritius", "Republic of Mauritius", NULL},
    {"MV", "MDV", "Maldives", "Republic of Maldives", NULL},
    {"MW", "MWI", "Malawi", "Republic of Malawi", NULL},
    {"MX", "MEX", "Mexico", "United Mexican States", NULL},
    {"MY", "MYS", "Malaysia", NULL, NULL},
    {"MZ", "MOZ", "Mozambique", "Republic of Mozambique", NULL},
    {"NA", "NAM", "Namibia", "Republic of Namibia", NULL},
    {"NC", "NCL", "New Caledonia", NULL, NULL},
    {"NE", "NER", "Niger", "Republic of the Niger", NULL},
    {"NF", "NFK", "Norfolk Island", NULL, NULL},
    {"NG", "NGA", "Nigeria", "Federal Republic of Nigeria", NULL},
    {"NI", "NIC", "Nicaragua", "Republic of Nicaragua", NULL},
    {"NL", "NLD", "Netherlands", "Kingdom of the Netherlands", NULL},
    {"NO", "NOR", "Norway", "Kingdom of Norway", NULL},
    {"NP", "NPL", "Nepal", "Federal Democratic Republic of Nepal", NULL},
    {"NR", "NRU", "Nauru", "Republic of Nauru", NULL},
    {"NU", "NIU", "Niue", NULL, NULL},
    {"NZ", "NZL", "New Zealand", NULL, NULL},
    {"OM", "OMN", "Oman", "Sultanate of Oman", NULL},
    {"PA", "PAN", "Panama", "Republic of Panama", NULL},
    {"PE", "PER", "Peru", "Republic of Peru", NULL},
    {"PF", "PYF", "French Polynesia", NULL, NULL},
    {"PG", "PNG", "Papua New Guinea", "Independent State of Papua New Guinea", NULL},
    {"PH", "PHL", "Philippines", "Republic of the Philippines", NULL},
    {"PK", "PAK", "Pakistan", "Islamic Republic of Pakistan", NULL},
    {"PL", "POL", "Poland", "Republic of Poland", NULL},
    {"PM", "SPM", "Saint Pierre and Miquelon", NULL, NULL},
    {"PN", "PCN", "Pitcairn", NULL, NULL},
    {"PR", "PRI", "Puerto Rico", NULL, NULL},
    {"PS", "PSE", "Palestine, State of", "the State of Palestine", NULL},
    {"PT", "PRT", "Portugal", "Portuguese Republic", NULL},
    {"PW", "PLW", "Palau", "Republic of Palau", NULL},
    {"PY", "PRY", "Paraguay", "Republic of Paraguay", NULL},
    {"QA", "QAT", "Qatar", "State of Qatar", NULL},
    {"RE", "REU", "Réunion", NULL, NULL},
    {"RO", "ROU", "Romania", NULL, NULL},
    {"RS", "SRB", "Serbia", "Republic of Serbia", NULL},
    {"RU", "RUS", "Russian Federation", NULL, NULL},
    {"RW", "RWA", "Rwanda", "Rwandese Republic", NULL},
    {"SA", "SAU", "Saudi Arabia", "Kingdom of Saudi Arabia", NULL},
    {"SB", "SLB", "Solomon Islands", NULL, NULL},
    {"SC", "SYC", "Seychelles", "Republic of Seychelles", NULL},
    {"SD", "SDN", "Sudan", "Republic of the Sudan", NULL},
    {"SE", "SWE", "Sweden", "Kingdom of Sweden", NULL},
    {"SG", "SGP", "Singapore", "Republic of Singapore", NULL},
    {"SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", NULL, NULL},
    {"SI", "SVN", "Slovenia", "Republic of Slovenia", NULL},
    {"SJ", "SJM", "Svalbard and Jan Mayen", NULL, NULL},
    {"SK", "SVK", "Slovakia", "Slovak Republic", NULL},
    {"SL", "SLE", "Sierra Leone", "Republic of Sierra Leone", NULL},
    {"SM", "SMR", "San Marino", "Republic of San Marino", NULL},
    {"SN", "SEN", "Senegal", "Republic of Senegal", NULL},
    {"SO", "SOM", "Somalia", "Federal Republic of Somalia", NULL},
    {"SR", "SUR", "Suriname", "Republic of Suriname", NULL},
    {"SS", "SSD", "South Sudan", "Republic of South Sudan", NULL},
    {"ST", "STP", "Sao Tome and Principe", "Democratic Republic of Sao Tome and Principe", NULL},
    {"SV", "SLV", "El Salvador", "Republic of El Salvador", NULL},
    {"SX", "SXM", "Sint Maarten (Dutch part)", NULL, NULL},
    {"SY", "SYR", "Syrian Arab Republic", "Syria", NULL},
    {"SZ", "SWZ", "Eswatini", "Kingdom of Eswatini", NULL},
    {"TC", "TCA", "Turks and Caicos Islands", NULL, NULL},
    {"TD", "TCD", "Chad", "Republic of Chad", NULL},
    {"TF", "ATF", "French Southern Territories", NULL, NULL},
    {"TG", "TGO", "Togo", "Togolese Republic", NULL},
    {"TH", "THA", "Thailand", "Kingdom of Thailand", NULL},
    {"TJ", "TJK", "Tajikistan", "Republic of Tajikistan", NULL},
    {"TK", "TKL", "Tokelau", NULL, NULL},
    {"TL", "TLS", "Timor-Leste", "Democratic Republic of Timor-Leste", NULL},
    {"TM", "TKM", "Turkmenistan", NULL, NULL},
    {"TN", "TUN", "Tunisia", "Republic of Tunisia", NULL},
    {"TO", "TON", "Tonga", "Kingdom of Tonga", NULL},
    {"TR", "TUR", "Türkiye", "Republic of Türkiye", NULL},
    {"TT", "TTO", "Trinidad and Tobago", "Republic of Trinidad and Tobago", NULL},
    {"TV", "TUV", "Tuvalu", NULL, NULL},
    {"TW", "TWN", "Taiwan, Province of China", "Taiwan", NULL},
    {"TZ", "TZA", "Tanzania, United Republic of", "Tanzania", "United Republic of Tanzania"},
    {"UA", "UKR", "Ukraine", NULL, NULL},
    {"UG", "UGA", "Uganda", "Republic of Uganda", NULL},
    {"UM", "UMI", "United States Minor Outlying Islands", NULL, NULL},
    {"US", "USA", "United States", "United States of America", NULL},
    {"UY", "URY", "Uruguay", "Eastern Republic of Uruguay", NULL},
    {"UZ", "UZB", "Uzbekistan", "Republic of Uzbekistan", NULL},
    {"VA", "VAT", "Holy See (Vatican City State)", NULL, NULL},
    {"VC", "VCT", "Saint Vincent and the Grenadines", NULL, NULL},
    {"VE", "VEN", "Venezuela, Bolivarian Republic of", "Venezuela",
     "Bolivarian Republic of Venezuela"},
    {"VG", "VGB", "Virgin Islands, British", "British Virgin Islands", NULL},
    {"VI", "VIR", "Virgin Islands, U.S.", "Virgin Islands of the United States", NULL},
    {"VN", "VNM", "Viet Nam", "Vietnam", "Socialist Republic of Viet Nam"},
    {"VU", "VUT", "Vanuatu", "Republic of Vanuatu", NULL},
    {"WF", "WLF", "Wallis and Futuna", NULL, NULL},
    {"WS", "WSM", "Samoa", "Independent State of Samoa", NULL},
    {"YE", "YEM", "Yemen", "Republic of Yemen", NULL},
    {"YT", "MYT", "Mayotte", NULL, NULL},
    {"ZA", "ZAF", "South Africa", "Republic of South Africa", NULL},
    {"ZM", "ZMB", "Zambia", "Republic of Zambia", NULL},
    {"ZW", "ZWE", "Zimbabwe", "Republic of Zimbabwe", NULL},
};

struct country_alias {
    const char *text, *alpha2;
};

/* Names that are not ISO's but that customers and marketplaces write:
 * the home nations, dotted and long forms, former names, and ASCII spellings
 * of names with accents (the comparison folds ASCII letters only). */
static const struct country_alias aliases[] = {
    {"UK", "GB"},
    {"U.K.", "GB"},
    {"Great Britain", "GB"},
    {"Britain", "GB"},
    {"England", "GB"},
    {"Scotland", "GB"},
    {"Wales", "GB"},
    {"Cymru", "GB"},
    {"Northern Ireland", "GB"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"USA", "US"},
    {"U.S.A.", "US"},
    {"U.S.", "US"},
    {"America", "US"},
    {"United States of America", "US"},
    {"Republic of Ireland", "IE"},
    {"Eire", "IE"},
    {"Éire", "IE"},
    {"Holland", "NL"},
    {"The Netherlands", "NL"},
    {"Deutschland", "DE"},
    {"Espana", "ES"},
    {"España", "ES"},
    {"Czech Republic", "CZ"},
    {"Russia", "RU"},
    {"South Korea", "KR"},
    {"Korea", "KR"},
    {"North Korea", "KP"},
    {"Vietnam", "VN"},
    {"Laos", "LA"},
    {"Syria", "SY"},
    {"Moldova", "MD"},
    {"Macedonia", "MK"},
    {"Turkey", "TR"},
    {"Turkiye", "TR"},
    {"Ivory Coast", "CI"},
    {"Cote d'Ivoire", "CI"},
    {"Aland Islands", "AX"},
    {"Saint Barthelemy", "BL"},
    {"Curacao", "CW"},
    {"Reunion", "RE"},
    {"Swaziland", "SZ"},
    {"Burma", "MM"},
    {"Cape Verde", "CV"},
    {"East Timor", "TL"},
    {"Vatican", "VA"},
    {"Vatican City", "VA"},
    {"Palestine", "PS"},
    {"Taiwan", "TW"},
    {"Hong Kong", "HK"},
    {"Macau", "MO"},
    {"Macao", "MO"},
    {"Brunei", "BN"},
    {"Iran", "IR"},
    {"Tanzania", "TZ"},
    {"Bolivia", "BO"},
    {"Venezuela", "VE"},
    {"Micronesia", "FM"},
    {"Falklands", "FK"},
    {"Falkland Islands", "FK"},
    {"St Helena", "SH"},
    {"Saint Helena", "SH"},
    {"British Virgin Islands", "VG"},
    {"US Virgin Islands", "VI"},
    {"U.S. Virgin Islands", "VI"},
    {"UAE", "AE"},
    {"Democratic Republic of the Congo", "CD"},
    {"DR Congo", "CD"},
    {"Republic of the Congo", "CG"},
    {"Channel Islands", NULL}, /* two countries: refuse rather than guess */
};

/* Compares ignoring ASCII case, the first n bytes of a against all of b. */
static bool country_equal(const char *a, size_t n, const char *b)
{
    if (!b || strlen(b) != n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return false;
    }
    return true;
}

static bool country_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *country_to_alpha2(const char *text)
{
    if (!text) return NULL;
    while (country_space(*text))
        text++;
    size_t n = strlen(text);
    while (n && country_space(text[n - 1]))
        n--;
    if (n == 0) return NULL;
    for (size_t i = 0; i < sizeof countries / sizeof *countries; i++) {
        const struct country *c = &countries[i];
        if (country_equal(text, n, c->alpha2) || country_equal(text, n, c->alpha3) ||
            country_equal(text, n, c->name) || country_equal(text, n, c->common) ||
            country_equal(text, n, c->official))
            return c->alpha2;
    }
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (country_equal(text, n, aliases[i].text)) return aliases[i].alpha2;
    return NULL;
}

const char *country_name(const char *alpha2)
{
    if (!alpha2) return NULL;
    for (size_t i = 0; i < sizeof countries / sizeof *countries; i++)
        if (country_equal(alpha2, strlen(alpha2), countries[i].alpha2)) return countries[i].name;
    return NULL;
}

/* Countries whose addresses always carry a postcode and whose posts sort by
 * it, so an address there without one is a mistake rather than the local
 * custom: the UK and its Crown Dependencies, the EU and EFTA, the US and
 * its territories, and the large postcode systems elsewhere. Left out on
 * purpose: Ireland (Eircode exists but many addresses are written without
 * it), Hong Kong, Macao, the United Arab Emirates, Qatar and the many
 * countries where postcodes are absent or rarely written. docs/api.md says
 * the same. Sorted, for the reader. */
static const char postcode_countries[][3] = {
    "AD", "AR", "AS", "AT", "AU", "AX", "BE", "BG", "BR", "BY", "CA", "CH", "CN", "CY", "CZ",
    "DE", "DK", "EE", "ES", "FI", "FO", "FR", "GB", "GG", "GL", "GR", "GU", "HR", "HU", "IL",
    "IM", "IN", "IS", "IT", "JE", "JP", "KR", "KZ", "LI", "LT", "LU", "LV", "MC", "MD", "ME",
    "MK", "MP", "MT", "MX", "MY", "NL", "NO", "NZ", "PH", "PL", "PR", "PT", "RO", "RS", "RU",
    "SE", "SG", "SI", "SK", "SM", "TH", "TR", "TW", "UA", "US", "VA", "VI", "ZA"};

bool country_requires_postcode(const char *code)
{
    const char *alpha2 = code && strlen(code) <= 3 ? country_to_alpha2(code) : NULL;
    if (!alpha2) return false;
    for (size_t i = 0; i < sizeof postcode_countries / sizeof *postcode_countries; i++)
        if (strcmp(postcode_countries[i], alpha2) == 0) return true;
    return false;
}
