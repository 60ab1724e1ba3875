/* emit_market.c - market-regulation and tax exports: enterprise registrations (pinyin column
 * names, as the SAMR data-exchange tables use), enterprise roles and shareholdings, and tax
 * registrations (金税三期 style, GB18030, compact dates).
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"

static const zg_col ent_cols[] = {
    {"uscc", "tyshxydm", 0, NULL},
    {"name", "qymc", 0, NULL},
    {"kind", "qylx", 0, "codes: {\"1100\": company, \"9600\": individual_business, "
                         "\"9100\": cooperative}"},
    {"legal_rep_name", "fddbr", 0, NULL},
    {"legal_rep_id_no", "fddbrzjhm", 0, NULL},
    {"registered_capital", "zczb", 0, "transforms: [strip_thousands]"},
    {"established_date", "clrq", ZG_ISO_DATE, NULL},
    {"deregistered_date", "zxrq", ZG_ISO_DATE, NULL},
    {"status", "djzt", 0, "codes: {存续: active, 在业: active, 注销: deregistered, 吊销: revoked}"},
    {"industry", "hyml", 0, NULL},
    {"region_code", "djjgqh", 0, NULL},
    {"address", "zs", 0, NULL},
};
const zg_export zg_x_enterprises = {
    "scjg_qyjbxx.csv", "samr_enterprises.mapping.yaml", "samr", "enterprise",
    "market-regulation enterprise registrations (企业基本信息), pinyin column names", ZG_CSV,
    ZG_UTF8, ',', "[uscc]", ent_cols, 12, NULL};

static const char *kind_code(const char *kind)
{
    return kind[0] == 'c' && kind[1] == 'o' && kind[2] == 'm' ? "1100"
         : kind[0] == 'i' ? "9600" : "9100";
}

static int enterprise_rows(zg *g, zg_writer *w, const zg_enterprise *enp, int64_t e)
{
    const zg_enterprise en = *enp;
    zg_person lr;
    zg_mk_person(g, en.legal_rep, &lr);
    char name[64], id[64], addr[160], reg[8];
    unsigned noise = zg_dirty_person(g, &lr, (7ull << 48) ^ (uint64_t)e, 1.0, name, id);
    zg_address(g, en.legal_rep ^ 0x77, en.county, addr);
    zg_fmt_int(reg, g->counties[en.county].code, 6);
    zg_row_begin(w);
    zg_s(w, en.uscc);
    zg_s(w, en.name);
    zg_s(w, kind_code(en.kind));
    zg_s(w, name);
    zg_s(w, id[0] ? id : NULL);
    zg_money(w, en.capital);
    zg_day(w, en.established);
    if (en.deregistered >= 0)
        zg_day(w, en.deregistered);
    else
        zg_null(w);
    zg_s(w, en.deregistered >= 0 ? "注销" : (e & 1) ? "存续" : "在业");
    zg_s(w, en.industry);
    zg_s(w, reg);
    zg_s(w, addr);
    if (zg_row_end(w))
        return ZJ_EDATA;
    zg_mention(g, "enterprise", "samr", en.uscc, "self", false, e, 0);
    zg_mention(g, "enterprise", "samr", en.uscc, "legal_rep", true, en.legal_rep, noise);
    return ZJ_OK;
}

/* ---- roles and shareholdings ------------------------------------------------------------ */

static const zg_col role_cols[] = {
    {"uscc", "tyshxydm", 0, NULL},
    {"enterprise_name", "qymc", 0, NULL},
    {"person_name", "xm", 0, NULL},
    {"person_id_no", "zjhm", 0, NULL},
    {"role", "zw", 0, "codes: {法定代表人: legal_rep, 股东: shareholder, 监事: supervisor, "
                      "经营者: operator, 执行董事: director, 经理: manager}"},
    {"share_pct", "cgbl", 0, NULL},
    {"subscribed_capital", "rjcze", 0, NULL},
    {"start_date", "rzrq", ZG_ISO_DATE, NULL},
    {"end_date", "lzrq", ZG_ISO_DATE, NULL},
};
const zg_export zg_x_roles = {
    "scjg_qyry.csv", "samr_roles.mapping.yaml", "samr", "enterprise_role",
    "market-regulation roles and shareholdings (主要人员及出资), person IDs as verified at "
    "registration", ZG_CSV, ZG_UTF8, ',', "[uscc, role, person_id_no]", role_cols, 9, NULL};

static int role_row(zg *g, zg_writer *w, const zg_enterprise *en, int64_t person,
                    const char *role_zh, const char *role, double share, uint64_t salt)
{
    zg_person p;
    zg_mk_person(g, person, &p);
    char name[64], id[64], key[128];
    unsigned noise = zg_dirty_person(g, &p, salt, 1.0, name, id) &
                     (ZG_N_TYPO | ZG_N_HOMOPHONE | ZG_N_TRADITIONAL | ZG_N_SPACES);
    zg_row_begin(w);
    zg_s(w, en->uscc);
    zg_s(w, en->name);
    zg_s(w, name);
    zg_s(w, p.id);                 /* the key: kept clean */
    zg_s(w, role_zh);
    if (share > 0) {
        zg_money(w, share);
        zg_money(w, en->capital * share / 100);
    } else {
        zg_null(w);
        zg_null(w);
    }
    zg_day(w, en->established);
    if (en->deregistered >= 0)
        zg_day(w, en->deregistered);
    else
        zg_null(w);
    if (zg_row_end(w))
        return ZJ_EDATA;
    zg_key(key, sizeof key, 3, en->uscc, role, p.id);
    zg_mention(g, "enterprise_role", "samr", key, "person", true, person, noise);
    return zg_mention(g, "enterprise_role", "samr", key, "enterprise", false, en->e, 0);
}

static int role_rows(zg *g, zg_writer *w, const zg_enterprise *enp, int64_t e)
{
    const zg_enterprise en = *enp;
    uint64_t salt = (8ull << 48) ^ ((uint64_t)e << 3);
    bool ind = en.kind[0] == 'i';
    if (role_row(g, w, &en, en.legal_rep, ind ? "经营者" : "法定代表人",
                 ind ? "operator" : "legal_rep", 0, salt))
        return ZJ_EDATA;
    if (ind)
        return ZJ_OK;
    for (int h = 0; h < 3; h++)
        if (en.holders[h] >= 0 && en.share[h] > 0 &&
            role_row(g, w, &en, en.holders[h], "股东", "shareholder", en.share[h],
                     salt + 1 + (uint64_t)h))
            return ZJ_EDATA;
    return ZJ_OK;
}

/* ---- tax registrations ------------------------------------------------------------------ */

static const zg_col tax_cols[] = {
    {"taxpayer_no", "纳税人识别号", 0, NULL},
    {"taxpayer_name", "纳税人名称", 0, NULL},
    {"kind", "登记注册类型", 0, "codes: {有限责任公司: company, 个体工商户: individual_business, "
                              "农民专业合作社: cooperative}"},
    {"legal_rep_name", "法定代表人", 0, NULL},
    {"legal_rep_id_no", "法定代表人身份证件号码", 0, NULL},
    {"finance_officer_name", "财务负责人", 0, NULL},
    {"finance_officer_id_no", "财务负责人身份证件号码", 0, NULL},
    {"registered_date", "登记日期", ZG_COMPACT_DATE, NULL},
    {"deregistered_date", "注销日期", ZG_COMPACT_DATE, NULL},
    {"status", "纳税人状态", 0, "codes: {正常: active, 注销: deregistered, 非正常: abnormal}"},
    {"tax_authority_code", "主管税务机关", 0, NULL},
    {"region_code", "行政区划", 0, NULL},
};
const zg_export zg_x_tax = {
    "税务登记信息.csv", "tax_registrations.mapping.yaml", "tax_ctais", "tax_registration",
    "tax registrations (税务登记), GB18030, dates as YYYYMMDD", ZG_CSV, ZG_GB18030, ',',
    "[taxpayer_no]", tax_cols, 12, NULL};

static int tax_rows(zg *g, zg_writer *w, const zg_enterprise *enp, int64_t e)
{
    const zg_enterprise en = *enp;
    if (!en.taxed)
        return ZJ_OK;
    zg_person lr, fo;
    zg_mk_person(g, en.legal_rep, &lr);
    zg_mk_person(g, en.finance, &fo);
    char n1[64], i1[64], n2[64], i2[64], reg[8], auth[16];
    unsigned z1 = zg_dirty_person(g, &lr, (9ull << 48) ^ (uint64_t)e, 1.0, n1, i1);
    unsigned z2 = zg_dirty_person(g, &fo, (10ull << 48) ^ (uint64_t)e, 1.0, n2, i2);
    bool ind = en.kind[0] == 'i';
    zg_fmt_int(reg, g->counties[en.county].code, 6);
    auth[0] = '1';
    zg_fmt_int(auth + 1, g->counties[en.county].code, 6);
    strcpy(auth + 7, "0000");
    zg_row_begin(w);
    zg_s(w, en.uscc);
    zg_s(w, en.name);
    zg_s(w, ind ? "个体工商户" : en.kind[0] == 'c' && en.kind[2] == 'm' ? "有限责任公司"
                                                                   : "农民专业合作社");
    zg_s(w, n1);
    zg_s(w, i1[0] ? i1 : NULL);
    zg_s(w, ind ? NULL : n2);
    zg_s(w, ind || !i2[0] ? NULL : i2);
    zg_day(w, zg_workday_on_or_after(en.established + 7 + (int)(e % 20)));
    if (en.deregistered >= 0)
        zg_day(w, en.deregistered);
    else
        zg_null(w);
    zg_s(w, en.deregistered >= 0 ? "注销" : "正常");
    zg_s(w, auth);
    zg_s(w, reg);
    if (zg_row_end(w))
        return ZJ_EDATA;
    zg_mention(g, "tax_registration", "tax_ctais", en.uscc, "self", false, e, 0);
    zg_mention(g, "tax_registration", "tax_ctais", en.uscc, "legal_rep", true, en.legal_rep,
               z1);
    if (!ind)
        zg_mention(g, "tax_registration", "tax_ctais", en.uscc, "finance_officer", true,
                   en.finance, z2);
    return ZJ_OK;
}

/* Registrations, roles and tax records of each enterprise in one pass. */
int zg_emit_market_files(zg *g, zg_writer **w)
{
    int64_t n = zg_enterprises_total(g);
    for (int64_t e = 0; e < n; e++) {
        zg_enterprise en;
        zg_mk_enterprise(g, e, &en);
        if (enterprise_rows(g, w[0], &en, e) || role_rows(g, w[1], &en, e) ||
            tax_rows(g, w[2], &en, e))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}
