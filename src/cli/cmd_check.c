/* cmd_check.c - `zhijian check`: validate and normalize one identifier or name.
 *
 *   zhijian check id|uscc|case-no|name|phone|enterprise VALUE [--json]
 *
 * Prints what the text library (src/text/) makes of VALUE: a readable Chinese-first/English
 * report, or with --json one JSON object on one line. Exit status: 0 valid, 1 invalid (the
 * object then has "valid": false and an "error"), 2 usage error, 3 when the name tools (OpenCC,
 * ICU) cannot be opened.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/case_no.h"
#include "text/docnum.h"
#include "text/ent_name.h"
#include "text/mask.h"
#include "text/name.h"
#include "text/phone.h"
#include "text/region.h"
#include "text/resident_id.h"
#include "text/uscc.h"

static const char usage_text[] =
    "usage: zhijian check id|uscc|case-no|name|phone|enterprise VALUE [--json]\n"
    "校验并归一一个标识 - validate and normalize one identifier or name\n\n"
    "  id          居民身份证号 resident ID (18 or 15 digits)\n"
    "  uscc        统一社会信用代码 unified social credit code\n"
    "  case-no     案号 court case number; also 检察院/公安 document numbers\n"
    "  name        姓名 personal name: normalized, simplified, pinyin\n"
    "  phone       电话 mobile or landline number\n"
    "  enterprise  企业名称 enterprise name: matching key\n\n"
    "  --json      print one JSON object\n\n"
    "exit status: 0 valid, 1 invalid, 2 usage error, 3 name tools unavailable\n";

/* One report, built as JSON and printed either way. */
typedef struct report {
    cJSON *obj;
    const char *title;        /* "身份证号 resident ID" */
} report;

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

/* Labels for the text output, by JSON key; keys not listed are printed as they are. */
static const char *label(const char *key)
{
    static const char *const map[][2] = {
        {"normalized", "归一 normalized"}, {"birth_date", "出生日期 birth date"},
        {"sex", "性别 sex"}, {"region_code", "地区代码 region code"},
        {"region_name", "地区 region"}, {"masked", "脱敏 masked"},
        {"year", "年度 year"}, {"court_code", "法院代字 court code"},
        {"court_level", "法院层级 court level"}, {"type_code", "类型代字 type code"},
        {"type_name", "案件类型 case type"}, {"serial", "编号 serial"},
        {"simplified", "简体 simplified"}, {"pinyin", "拼音 pinyin"}, {"key", "匹配键 key"},
        {"surname", "姓 surname"}, {"kind", "类别 kind"}, {"authority_name", "登记管理部门 authority"},
        {"type_name_zh", "机构类别 type"}, {"agency", "机关 agency"},
        {"doc_name", "文书 document"}, {"error", "原因 reason"},
        {"region_current", "现行区划 current code"}, {"converted_from_15", "由15位转换 from 15 digits"},
        {"surname_pinyin", "姓氏拼音 surname pinyin"}, {"compound_surname", "复姓 compound surname"},
        {"doc_code", "文书代字 document code"}, {"authority", "登记管理部门代码 authority code"},
        {"type", "机构类别代码 type code"}, {"org_code", "组织机构代码 organization code"},
        {"procedure", "程序 procedure"}, {"category", "类别 category"},
        {"type_name_en", "type (English)"}, {"legacy_text", "旧式代字 legacy text"},
        {"area_code", "区号 area code"}, {"number", "号码 number"}, {"extension", "分机 extension"},
        {"court_kind", "专门法院 specialised court"}, {"special_code", "专门审判代字 special code"},
        {"sub_no", "之 sub-number"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], key) == 0)
            return map[i][1];
    return key;
}

static int finish(report *r, bool json)
{
    cJSON *valid = cJSON_GetObjectItemCaseSensitive(r->obj, "valid");
    int rc = valid && cJSON_IsTrue(valid) ? 0 : 1;
    if (json) {
        char *s = cJSON_PrintUnformatted(r->obj);
        if (s)
            puts(s);
        free(s);
    } else {
        cJSON *input = cJSON_GetObjectItemCaseSensitive(r->obj, "input");
        printf("%s: %s  %s\n", r->title, input ? input->valuestring : "",
               rc == 0 ? "有效 valid" : "无效 invalid");
        for (cJSON *it = r->obj->child; it; it = it->next) {
            if (strcmp(it->string, "valid") == 0 || strcmp(it->string, "input") == 0)
                continue;
            if (cJSON_IsString(it))
                printf("  %s: %s\n", label(it->string), it->valuestring);
            else if (cJSON_IsNumber(it))
                printf("  %s: %.0f\n", label(it->string), it->valuedouble);
            else if (cJSON_IsBool(it))
                printf("  %s: %s\n", label(it->string), cJSON_IsTrue(it) ? "是 yes" : "否 no");
        }
    }
    fflush(stdout);
    cJSON_Delete(r->obj);
    return rc;
}

static void invalid(report *r, const char *why)
{
    cJSON_AddFalseToObject(r->obj, "valid");
    add_str(r->obj, "error", why);
}

static void check_id(report *r, const char *v)
{
    zj_resident_id id;
    const char *why;
    r->title = "身份证号 resident ID";
    if (zj_resident_id_parse(v, strlen(v), 0, &id, &why)) {
        invalid(r, why);
        return;
    }
    char buf[160];
    cJSON_AddTrueToObject(r->obj, "valid");
    add_str(r->obj, "normalized", id.id);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", id.year, id.month, id.day);
    add_str(r->obj, "birth_date", buf);
    add_str(r->obj, "sex", id.sex == 'M' ? "M" : "F");
    snprintf(buf, sizeof buf, "%06d", id.region_code);
    add_str(r->obj, "region_code", buf);
    zj_region_full_name(id.region_code, buf, sizeof buf);
    add_str(r->obj, "region_name", buf);
    cJSON_AddBoolToObject(r->obj, "region_current", id.region_exact);
    cJSON_AddBoolToObject(r->obj, "converted_from_15", id.converted);
    zj_mask_resident_id(id.id, 18, buf, sizeof buf);
    add_str(r->obj, "masked", buf);
}

static void check_uscc(report *r, const char *v)
{
    zj_uscc u;
    const char *why;
    r->title = "统一社会信用代码 credit code";
    if (zj_uscc_parse(v, strlen(v), &u, &why)) {
        invalid(r, why);
        return;
    }
    char buf[160];
    cJSON_AddTrueToObject(r->obj, "valid");
    add_str(r->obj, "normalized", u.code);
    snprintf(buf, sizeof buf, "%06d", u.region_code);
    add_str(r->obj, "region_code", buf);
    add_str(r->obj, "region_name", zj_region_full_name(u.region_code, buf, sizeof buf) ? buf
                                                                                      : NULL);
    snprintf(buf, sizeof buf, "%c", u.authority);
    add_str(r->obj, "authority", buf);
    add_str(r->obj, "authority_name", u.authority_name);
    snprintf(buf, sizeof buf, "%c", u.type);
    add_str(r->obj, "type", buf);
    add_str(r->obj, "type_name_zh", u.type_name);
    add_str(r->obj, "org_code", u.org_code);
    zj_mask_uscc(u.code, 18, buf, sizeof buf);
    add_str(r->obj, "masked", buf);
}

static void check_case_no(report *r, const char *v)
{
    zj_case_no c;
    zj_docnum d;
    const char *why, *dwhy;
    r->title = "案号 case number";
    size_t n = strlen(v);
    if (zj_case_no_parse(v, n, &c, &why) == 0) {
        cJSON_AddTrueToObject(r->obj, "valid");
        bool legacy = c.style == ZJ_CASE_LEGACY;
        add_str(r->obj, "kind", legacy ? "court_legacy" : "court");
        add_str(r->obj, "normalized", c.normalized);
        cJSON_AddNumberToObject(r->obj, "year", c.year);
        add_str(r->obj, "court_code", legacy ? NULL : c.court_code);
        add_str(r->obj, "court_level", legacy ? NULL : zj_court_level_name(c.court_level));
        if (c.court_kind)
            add_str(r->obj, "court_kind", c.court_kind);
        if (c.special_code[0])
            add_str(r->obj, "special_code", c.special_code);
        add_str(r->obj, "type_code", c.type ? c.type->code : NULL);
        add_str(r->obj, "type_name", c.type ? c.type->name_zh : NULL);
        add_str(r->obj, "type_name_en", c.type ? c.type->name_en : NULL);
        add_str(r->obj, "procedure", c.type ? c.type->procedure : NULL);
        add_str(r->obj, "category", c.type ? c.type->category : NULL);
        cJSON_AddNumberToObject(r->obj, "serial", (double)c.serial);
        if (c.sub_no)
            cJSON_AddNumberToObject(r->obj, "sub_no", c.sub_no);
        if (legacy)
            add_str(r->obj, "legacy_text", c.legacy_text);
        return;
    }
    if (zj_docnum_parse(v, n, &d, &dwhy) == 0) {
        r->title = "文书编号 document number";
        cJSON_AddTrueToObject(r->obj, "valid");
        add_str(r->obj, "kind", zj_doc_kind_name(d.kind));
        add_str(r->obj, "normalized", d.normalized);
        cJSON_AddNumberToObject(r->obj, "year", d.year);
        add_str(r->obj, "agency", d.agency);
        add_str(r->obj, "doc_code", d.doc_code);
        add_str(r->obj, "doc_name", d.doc_name);
        add_str(r->obj, "serial", d.serial);
        return;
    }
    /* Report the reason of the parser the input was most likely meant for. */
    bool doc = strstr(v, "检") || strstr(v, "公");
    invalid(r, doc ? dwhy : why);
}

static int check_name(report *r, const char *v)
{
    zj_error err = {0};
    zj_namer *nm = zj_namer_new(&err);
    if (!nm)
        return cli_report(&err);
    zj_name *x = malloc(sizeof *x);
    const char *why;
    r->title = "姓名 name";
    if (!x) {
        invalid(r, "out of memory");
    } else if (zj_name_analyze(nm, v, strlen(v), x, &why)) {
        invalid(r, why);
    } else {
        char buf[2 * ZJ_NAME_MAX + 1];
        cJSON_AddTrueToObject(r->obj, "valid");
        add_str(r->obj, "normalized", x->normalized);
        add_str(r->obj, "simplified", x->simplified);
        add_str(r->obj, "pinyin", x->pinyin);
        add_str(r->obj, "key", x->key);
        snprintf(buf, sizeof buf, "%.*s", (int)x->surname_bytes, x->simplified);
        add_str(r->obj, "surname", x->surname_bytes ? buf : NULL);
        add_str(r->obj, "surname_pinyin", x->surname_pinyin[0] ? x->surname_pinyin : NULL);
        cJSON_AddBoolToObject(r->obj, "compound_surname", x->compound_surname);
        if (zj_mask_name(x->simplified, strlen(x->simplified), buf, sizeof buf) >= 0)
            add_str(r->obj, "masked", buf);
    }
    free(x);
    zj_namer_free(nm);
    return 0;
}

static void check_phone(report *r, const char *v)
{
    zj_phone p;
    const char *why;
    r->title = "电话 phone";
    if (zj_phone_parse(v, strlen(v), &p, &why)) {
        invalid(r, why);
        return;
    }
    char buf[64];
    cJSON_AddTrueToObject(r->obj, "valid");
    add_str(r->obj, "kind", zj_phone_kind_name(p.kind));
    add_str(r->obj, "normalized", p.normalized);
    if (p.area_code[0])
        add_str(r->obj, "area_code", p.area_code);
    add_str(r->obj, "number", p.number);
    if (p.extension[0])
        add_str(r->obj, "extension", p.extension);
    zj_mask_phone(p.normalized, strlen(p.normalized), buf, sizeof buf);
    add_str(r->obj, "masked", buf);
}

static int check_enterprise(report *r, const char *v)
{
    zj_error err = {0};
    zj_namer *nm = zj_namer_new(&err);
    if (!nm)
        return cli_report(&err);
    char norm[2 * ZJ_NAME_MAX + 1], key[ZJ_ENT_KEY_CAP];
    const char *why;
    r->title = "企业名称 enterprise";
    if (zj_name_simplify(nm, v, strlen(v), norm, sizeof norm, &why) < 0 ||
        zj_ent_key(nm, v, strlen(v), key, sizeof key, &why) < 0) {
        invalid(r, why);
    } else {
        cJSON_AddTrueToObject(r->obj, "valid");
        add_str(r->obj, "normalized", norm);
        add_str(r->obj, "key", key);
    }
    zj_namer_free(nm);
    return 0;
}

int cmd_check(int argc, char **argv)
{
    bool json = false;
    const char *what = NULL, *value = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2])
            return cli_error(ZJ_EUSAGE, "check: unknown option '%s'; see 'zhijian check --help'",
                             argv[i]);
        else if (!what)
            what = argv[i];
        else if (!value)
            value = argv[i];
        else
            return cli_error(ZJ_EUSAGE, "check: unexpected argument '%s' (quote a value that "
                                        "contains spaces)", argv[i]);
    }
    if (!what || !value) {
        fputs(usage_text, stderr);
        return ZJ_EUSAGE;
    }
    report r = {cJSON_CreateObject(), NULL};
    if (!r.obj)
        return cli_error(ZJ_EDATA, "check: out of memory");
    cJSON_AddStringToObject(r.obj, "input", value);
    int rc = 0;
    if (strcmp(what, "id") == 0)
        check_id(&r, value);
    else if (strcmp(what, "uscc") == 0)
        check_uscc(&r, value);
    else if (strcmp(what, "case-no") == 0)
        check_case_no(&r, value);
    else if (strcmp(what, "name") == 0)
        rc = check_name(&r, value);
    else if (strcmp(what, "phone") == 0)
        check_phone(&r, value);
    else if (strcmp(what, "enterprise") == 0)
        rc = check_enterprise(&r, value);
    else {
        cJSON_Delete(r.obj);
        return cli_error(ZJ_EUSAGE, "check: '%s' is not something check knows; use id, uscc, "
                                    "case-no, name, phone or enterprise", what);
    }
    if (rc) {
        cJSON_Delete(r.obj);
        return rc;
    }
    return finish(&r, json);
}
