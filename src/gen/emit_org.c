/* emit_org.c - exports about organisations and people: the unit directory, the four agencies'
 * personnel rosters, the officers' close relatives and the population registry.
 * Each export's layout (zg_col arrays) sits beside the function that writes its rows, in
 * the same column order; exports.c lists them and writes the mapping files from them.
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"

/* ---- unit directory (政法委 organisation directory): UTF-8, English headers ---------------- */

static const zg_col unit_cols[] = {
    {"unit_code", "unit_code", 0, NULL},
    {"name", "unit_name", 0, NULL},
    {"agency", "agency_type", 0, "codes: agency"},
    {"level", "level", 0, NULL},
    {"parent_code", "parent_code", 0, NULL},
    {"region_code", "region_code", 0, NULL},
};
const zg_export zg_x_units = {
    "org_units.csv", "org_units.mapping.yaml", "zfw_org", "unit",
    "directory of political-legal units kept by the provincial political-legal committee",
    ZG_CSV, ZG_UTF8, ',', "[unit_code]", unit_cols, 6,
    "code_tables:\n  agency: {\"01\": court, \"02\": procuratorate, \"03\": police, "
    "\"04\": police, \"05\": justice, \"06\": community_correction, \"07\": prison}\n"};

int zg_emit_units(zg *g, zg_writer *w)
{
    static const char *const codes[] = {"01", "02", "03", "04", "05", "06", "07"};
    static const char *const levels[] = {"province", "city", "county", "station"};
    for (int u = 0; u < g->nunits; u++) {
        const zg_unit *un = &g->units[u];
        char reg[8];
        zg_fmt_int(reg, un->region, 6);
        zg_row_begin(w);
        zg_s(w, un->code);
        zg_s(w, un->name);
        zg_s(w, codes[un->agency]);
        zg_s(w, levels[un->level]);
        zg_s(w, un->parent >= 0 ? g->units[un->parent].code : NULL);
        zg_s(w, reg);
        if (zg_row_end(w))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}

/* ---- personnel rosters ------------------------------------------------------------------- */

typedef struct dialect {
    const char *male, *female, *yes, *no;
    const char *area[7];       /* criminal civil administrative enforcement investigation
                                  prosecution corrections */
    const char *status[3];     /* active transferred retired */
} dialect;

static const char *const area_names[7] = {"criminal", "civil", "administrative", "enforcement",
                                          "investigation", "prosecution", "corrections"};

#define OFFICER_COLS(no, nm, id, sx, bd, ph, uc, po, rk, ar, ld, st, en, ss, bds, sts, xs, xa, xst) \
    {"officer_no", no, 0, NULL}, {"name", nm, 0, NULL}, {"id_no", id, 0, NULL},                \
    {"sex", sx, 0, xs}, {"birth_date", bd, bds, NULL}, {"phone", ph, 0, NULL},                 \
    {"unit_code", uc, 0, NULL}, {"position", po, 0, NULL}, {"rank", rk, 0, NULL},              \
    {"business_area", ar, 0, xa}, {"is_leader", ld, 0, NULL}, {"start_date", st, sts, NULL},   \
    {"end_date", en, sts, NULL}, {"status", ss, 0, xst}

static const zg_col court_cols[] = {OFFICER_COLS(
    "人员编号", "姓名", "身份证号", "性别", "出生日期", "联系电话", "单位代码", "职务", "职级",
    "业务领域", "是否领导", "任职日期", "离任日期", "人员状态", ZG_CN_DATE, ZG_CN_DATE,
    "codes: {男: M, 女: F}",
    "codes: {刑事审判: criminal, 民事审判: civil, 行政审判: administrative, 执行: enforcement}",
    "codes: {在职: active, 调离: transferred, 退休: retired}")};
const zg_export zg_x_court_officers = {
    "法院干警名册.csv", "court_officers.mapping.yaml", "court_hr", "officer",
    "court personnel roster (法院队伍管理系统), GB18030", ZG_CSV, ZG_GB18030, ',',
    "[officer_no]", court_cols, 14, NULL};
static const dialect court_d = {"男", "女", "是", "否",
                                {"刑事审判", "民事审判", "行政审判", "执行", NULL, NULL, NULL},
                                {"在职", "调离", "退休"}};

static const zg_col procu_cols[] = {OFFICER_COLS(
    "ryid", "xm", "sfzh", "xb", "csrq", "lxdh", "dwdm", "zw", "zj", "ywly", "sfld", "rzrq",
    "lzrq", "zt", ZG_COMPACT_DATE, ZG_ISO_DATE, "codes: {\"1\": M, \"2\": F}",
    "codes: {\"01\": prosecution, \"02\": criminal, \"03\": civil}",
    "codes: {\"1\": active, \"2\": transferred, \"3\": retired}")};
const zg_export zg_x_procu_officers = {
    "procuratorate_staff.jsonl", "procuratorate_staff.mapping.yaml", "procu_hr", "officer",
    "procuratorate staff records (检察人员信息), JSON Lines with pinyin keys", ZG_JSONL, ZG_UTF8,
    ',', "[officer_no]", procu_cols, 14, NULL};
static const dialect procu_d = {"1", "2", "1", "0", {"02", "03", NULL, NULL, NULL, "01", NULL},
                                {"1", "2", "3"}};

static const zg_col police_cols[] = {OFFICER_COLS(
    "badge_no", "name", "id_number", "gender", "birth_date", "mobile", "unit_code", "position",
    "rank", "area", "leader", "appointed_on", "left_on", "status", ZG_SLASH_DATE, ZG_ISO_DATE,
    NULL, NULL, NULL)};
const zg_export zg_x_police_officers = {
    "police_officers.csv", "police_officers.mapping.yaml", "police_hr", "officer",
    "police personnel (公安队伍管理), UTF-8 with English headers", ZG_CSV, ZG_UTF8, ',',
    "[officer_no]", police_cols, 14, NULL};
static const dialect police_d = {"M", "F", "Y", "N",
                                 {NULL, NULL, NULL, NULL, "investigation", NULL, NULL},
                                 {"active", "transferred", "retired"}};

static const zg_col justice_cols[] = {OFFICER_COLS(
    "工号", "姓名", "证件号码", "性别", "出生年月日", "手机", "所在单位", "职务", "职级",
    "岗位类别", "领导职务", "入职时间", "离职时间", "在岗状态", ZG_DOT_DATE, ZG_DOT_DATE,
    "codes: {男: M, 女: F}", "codes: {矫正: corrections}",
    "codes: {在岗: active, 调出: transferred, 退休: retired}")};
const zg_export zg_x_justice_officers = {
    "司法行政人员.tsv", "justice_officers.mapping.yaml", "justice_hr", "officer",
    "justice department, community correction and prison staff, tab-separated GB18030",
    ZG_CSV, ZG_GB18030, '\t', "[officer_no]", justice_cols, 14, NULL};
static const dialect justice_d = {"男", "女", "是", "否",
                                  {NULL, NULL, NULL, NULL, NULL, NULL, "矫正"},
                                  {"在岗", "调出", "退休"}};

static int emit_officers(zg *g, zg_writer *w, const dialect *dl, const int *agencies, int nag,
                         int fileno_)
{
    for (int u = 0; u < g->nunits; u++) {
        const zg_unit *un = &g->units[u];
        bool mine = false;
        for (int a = 0; a < nag; a++)
            mine |= un->agency == agencies[a];
        if (!mine)
            continue;
        for (int64_t o = un->first_officer; o < un->first_officer + un->nofficers; o++) {
            zg_officer off;
            zg_mk_officer(g, o, &off);
            zg_person p;
            zg_mk_person(g, off.person, &p);
            char name[64], id[64], phone[64];
            unsigned noise = zg_dirty_person(g, &p, ((uint64_t)fileno_ << 48) ^ (uint64_t)o,
                                             0.5, name, id);
            zg_dirty_phone(g, p.phone, ((uint64_t)fileno_ << 48) ^ (uint64_t)o, phone);
            zg_row_begin(w);
            zg_s(w, off.officer_no);
            zg_s(w, name);
            zg_s(w, id[0] ? id : NULL);
            zg_s(w, p.sex == 'M' ? dl->male : dl->female);
            zg_day(w, p.birth);
            zg_s(w, phone);
            zg_s(w, un->code);
            zg_s(w, off.position);
            zg_s(w, off.rank);
            const char *area = NULL;
            for (int k = 0; k < 7; k++)
                if (strcmp(off.area, area_names[k]) == 0)
                    area = dl->area[k];
            zg_s(w, area);
            zg_s(w, off.leader ? dl->yes : dl->no);
            zg_day(w, off.start);
            if (off.end >= 0)
                zg_day(w, off.end);
            else
                zg_null(w);
            zg_s(w, dl->status[off.status[0] == 'a' ? 0 : off.status[0] == 't' ? 1 : 2]);
            if (zg_row_end(w))
                return ZJ_EDATA;
            zg_mention(g, "officer", w->x->source_system, off.officer_no, "self", true,
                       off.person, noise);
        }
    }
    return ZJ_OK;
}

int zg_emit_court_officers(zg *g, zg_writer *w)
{
    static const int ag[] = {ZG_AG_COURT};
    return emit_officers(g, w, &court_d, ag, 1, 1);
}

int zg_emit_procu_officers(zg *g, zg_writer *w)
{
    static const int ag[] = {ZG_AG_PROCU};
    return emit_officers(g, w, &procu_d, ag, 1, 2);
}

int zg_emit_police_officers(zg *g, zg_writer *w)
{
    static const int ag[] = {ZG_AG_POLICE, ZG_AG_STATION};
    return emit_officers(g, w, &police_d, ag, 2, 3);
}

int zg_emit_justice_officers(zg *g, zg_writer *w)
{
    static const int ag[] = {ZG_AG_JUSTICE, ZG_AG_CC, ZG_AG_PRISON};
    return emit_officers(g, w, &justice_d, ag, 3, 4);
}

/* ---- close relatives (领导干部个人有关事项 / 近亲属): GB18030 ------------------------------- */

static const zg_col rel_cols[] = {
    {"officer_no", "干警编号", 0, NULL},
    {"relation", "关系", 0, "codes: {配偶: spouse, 子女: child, 子女配偶: child_spouse, 父母: parent}"},
    {"name", "姓名", 0, NULL},
    {"id_no", "身份证号", 0, NULL},
    {"sex", "性别", 0, "codes: {男: M, 女: F}"},
    {"birth_date", "出生日期", ZG_DOT_DATE, NULL},
    {"phone", "联系电话", 0, NULL},
    {"employer", "工作单位", 0, NULL},
};
const zg_export zg_x_relatives = {
    "干警近亲属.csv", "officer_relatives.mapping.yaml", "cadre_report", "officer_relative",
    "officers' close relatives as declared in personal-matters reports, GB18030", ZG_CSV,
    ZG_GB18030, ',', "[officer_no, relation, birth_date]", rel_cols, 8, NULL};

static int relative_row(zg *g, zg_writer *w, const zg_officer *off, int rel, const zg_person *pp)
{
    static const char *const rel_zh[] = {"配偶", "子女", "子女配偶", "父母"};
    static const char *const employers[] = {"个体", "无业", "退休", "某中学", "某医院",
                                            "某银行支行", "自由职业", "某公司"};
    const zg_person *p = pp;
    int64_t o = off->o;
    char name[64], id[64], key[96], bd[24];
    unsigned noise = zg_dirty_person(g, p, (5ull << 48) ^ ((uint64_t)o * 4 + (uint64_t)rel), 1.0,
                                     name, id);
    zg_row_begin(w);
    zg_s(w, off->officer_no);
    zg_s(w, rel_zh[rel]);
    zg_s(w, name);
    zg_s(w, id[0] ? id : NULL);
    zg_s(w, p->sex == 'M' ? "男" : "女");
    zg_day(w, p->birth);
    zg_s(w, p->phone);
    zg_s(w, employers[(p->k >> 3) % 8]);
    if (zg_row_end(w))
        return ZJ_EDATA;
    zg_key_time((int64_t)p->birth * ZG_DAY, ZG_DOT_DATE, false, bd);
    zg_key(key, sizeof key, 3, off->officer_no, zg_rel_names[rel], bd);
    return zg_mention(g, "officer_relative", "cadre_report", key, "self", true, p->k, noise);
}

/* ---- population registry (人口基本信息): UTF-8, Chinese headers, coded sex -------------------- */

static const zg_col person_cols[] = {
    {"person_no", "人员编号", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"id_no", "公民身份号码", 0, NULL},
    {"sex", "性别", 0, "codes: {\"1\": M, \"2\": F}"},
    {"birth_date", "出生日期", ZG_COMPACT_DATE, NULL},
    {"phone", "联系电话", 0, NULL},
    {"address", "住址", 0, NULL},
    {"region_code", "户籍地区划", 0, NULL},
    {"former_address", "何地迁来本址", 0, NULL},
};
const zg_export zg_x_persons = {
    "人口基本信息.csv", "population.mapping.yaml", "hukou", "person",
    "population registry extract (人口基本信息), UTF-8", ZG_CSV, ZG_UTF8, ',', "[person_no]",
    person_cols, 9, NULL};

static int person_row(zg *g, zg_writer *w, const zg_person *p)
{
    char name[64], id[64], no[16], addr[160], reg[8], former[160];
    unsigned noise = zg_dirty_person(g, p, 6ull << 48, 0.4, name, id);
    no[0] = 'R';
    zg_fmt_int(no + 1, p->k, 10);
    zg_address(g, p->k, p->county, addr);
    bool moved = zg_former_address(g, p->k, p->county, former);
    zg_fmt_int(reg, g->counties[p->county].code, 6);
    zg_row_begin(w);
    zg_s(w, no);
    zg_s(w, name);
    zg_s(w, id[0] ? id : NULL);
    zg_s(w, p->sex == 'M' ? "1" : "2");
    zg_day(w, p->birth);
    zg_s(w, p->phone);
    zg_s(w, addr);
    zg_s(w, reg);
    zg_s(w, moved ? former : NULL);
    if (zg_row_end(w))
        return ZJ_EDATA;
    return zg_mention(g, "person", "hukou", no, "self", true, p->k, noise);
}

/* The population registry and the relatives' declarations in one pass: relatives are
 * found once (people.c searches their candidates) and written to both files. */
int zg_emit_person_files(zg *g, zg_writer **w)
{
    enum { REL, PERSON };
    zg_person p;
    for (int64_t k = 0; k < g->sc.citizens; k++) {
        zg_mk_person(g, k, &p);
        if (person_row(g, w[PERSON], &p))
            return ZJ_EDATA;
    }
    for (int64_t o = 0; o < g->officers; o++) {
        zg_officer off;
        zg_mk_officer(g, o, &off);
        zg_mk_person(g, off.person, &p);
        if (person_row(g, w[PERSON], &p))
            return ZJ_EDATA;
        for (int rel = 0; rel < ZG_REL_N; rel++)
            if (zg_relative(g, &off, rel, &p) &&
                (relative_row(g, w[REL], &off, rel, &p) || person_row(g, w[PERSON], &p)))
                return ZJ_EDATA;
    }
    for (int64_t k = g->pb_lawyer; k < g->pb_end; k++) {
        zg_mk_person(g, k, &p);
        if (person_row(g, w[PERSON], &p))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}
