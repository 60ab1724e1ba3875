/* layout_foreign.c - the foreign layouts (外来版式) of the exports and their re-rendering.
 *
 * Each zg_col below is one column of a foreign file: `field` names the default-layout field
 * whose value it shows, `column` its header, `style` its date style and `opts` a rewrite
 * (layout.h). The case files whose rows differ in structure are in emit_cases_foreign.c;
 * every mapping file is in layout_mappings.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/exports.h"
#include "text/geo.h"
#include "gen/internal.h"
#include "gen/layout.h"
#include "gen/layout_exports.h"

#define N(a) ((int)(sizeof a / sizeof a[0]))

/* ---- the political-legal committee's unit directory ------------------------------------- */

static const zg_col f_unit_cols[] = {
    {"name", "单位名称", 0, NULL},
    {"unit_code", "单位代码", 0, NULL},
    {"agency", "单位类别", 0, "map:01=人民法院|02=人民检察院|03=公安机关|04=公安派出所|"
                             "05=司法行政机关|06=社区矫正机构|07=监狱"},
    {"level", "机构级别", 0, "map:province=省级|city=地市级|county=县级|station=基层所队"},
    {"parent_code", "上级单位代码", 0, NULL},
    {"region_code", "行政区划代码", 0, NULL},
};
static const zg_export f_units = {
    "政法单位名录.csv", "org_units.mapping.yaml", "zfw_org", "unit",
    "directory of political-legal units, foreign layout: unit types by name", ZG_CSV, ZG_UTF8,
    ',', "[unit_code]", f_unit_cols, N(f_unit_cols), NULL};

/* ---- personnel rosters: units by name ---------------------------------------------------- */

static const zg_col f_court_off_cols[] = {
    {"name", "姓名", 0, NULL},
    {"officer_no", "工作证号", 0, NULL},
    {"sex", "性别", 0, NULL},
    {"id_no", "公民身份号码", 0, NULL},
    {"birth_date", "出生年月", ZG_ISO_DATE, NULL},
    {"phone", "手机号码", 0, NULL},
    {"unit_code", "所在法院", 0, "unit_name"},
    {"business_area", "所在部门", 0, "map:刑事审判=刑事审判庭|民事审判=民事审判庭|"
                                    "行政审判=行政审判庭|执行=执行局"},
    {"position", "职务", 0, NULL},
    {"rank", "职级", 0, NULL},
    {"is_leader", "院庭领导", 0, NULL},
    {"start_date", "任职时间", ZG_SLASH_DATE, NULL},
    {"end_date", "离任时间", ZG_SLASH_DATE, NULL},
    {"status", "人员状态", 0, "map:在职=在编在岗|调离=调出"},
};
static const zg_export f_court_officers = {
    "法院在编人员花名册.csv", "court_officers.mapping.yaml", "court_hr", "officer",
    "court personnel roster, foreign layout: the court by name", ZG_CSV, ZG_GB18030, ',',
    "[officer_no]", f_court_off_cols, N(f_court_off_cols), NULL};

static const zg_col f_procu_off_cols[] = {
    {"officer_no", "人员编码", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"sex", "性别", 0, "map:1=男|2=女"},
    {"birth_date", "出生日期", ZG_CN_DATE, NULL},
    {"id_no", "身份证号码", 0, NULL},
    {"unit_code", "所在院", 0, "unit_name"},
    {"business_area", "业务部门", 0, "map:01=公诉部门|02=刑事检察部门|03=民事检察部门"},
    {"position", "职务", 0, NULL},
    {"rank", "检察官等级", 0, NULL},
    {"is_leader", "是否院领导", 0, "map:1=是|0=否"},
    {"start_date", "入额时间", ZG_CN_DATE, NULL},
    {"end_date", "离岗时间", ZG_CN_DATE, NULL},
    {"status", "状态", 0, "map:1=在职|2=调离|3=退休"},
    {"phone", "联系电话", 0, NULL},
};
static const zg_export f_procu_officers = {
    "检察人员基本信息.csv", "procuratorate_staff.mapping.yaml", "procu_hr", "officer",
    "procuratorate staff, foreign layout: CSV, the procuratorate by name", ZG_CSV, ZG_UTF8, ',',
    "[officer_no]", f_procu_off_cols, N(f_procu_off_cols), NULL};

static const zg_col f_police_off_cols[] = {
    {"officer_no", "警号", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"sex", "性别", 0, "map:M=男|F=女"},
    {"id_no", "身份证号", 0, NULL},
    {"birth_date", "出生日期", ZG_DOT_DATE, NULL},
    {"unit_code", "所属单位", 0, "unit_name"},
    {"position", "职务", 0, NULL},
    {"rank", "警衔", 0, NULL},
    {"business_area", "警种", 0, "map:investigation=刑侦"},
    {"is_leader", "是否领导", 0, "map:Y=是|N=否"},
    {"start_date", "参加公安工作时间", ZG_DOT_DATE, NULL},
    {"end_date", "离职时间", ZG_DOT_DATE, NULL},
    {"status", "在职状态", 0, "map:active=在职|transferred=调离|retired=退休"},
    {"phone", "手机", 0, NULL},
};
static const zg_export f_police_officers = {
    "公安民警信息.csv", "police_officers.mapping.yaml", "police_hr", "officer",
    "police personnel, foreign layout: Chinese headers, the unit by name", ZG_CSV, ZG_GB18030,
    ',', "[officer_no]", f_police_off_cols, N(f_police_off_cols), NULL};

static const zg_col f_justice_off_cols[] = {
    {"officer_no", "人员编号", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"id_no", "身份证号", 0, NULL},
    {"sex", "性别", 0, NULL},
    {"birth_date", "出生日期", ZG_ISO_DATE, NULL},
    {"phone", "联系电话", 0, NULL},
    {"unit_code", "工作单位", 0, "unit_name"},
    {"position", "职务", 0, NULL},
    {"rank", "职级", 0, NULL},
    {"business_area", "岗位", 0, "map:矫正=社区矫正"},
    {"is_leader", "领导职务", 0, NULL},
    {"start_date", "任职日期", ZG_ISO_DATE, NULL},
    {"end_date", "离职日期", ZG_ISO_DATE, NULL},
    {"status", "状态", 0, "map:在岗=在职|调出=调离"},
};
static const zg_export f_justice_officers = {
    "司法行政队伍信息.csv", "justice_officers.mapping.yaml", "justice_hr", "officer",
    "justice administration staff, foreign layout: comma-separated UTF-8, units by name",
    ZG_CSV, ZG_UTF8, ',', "[officer_no]", f_justice_off_cols, N(f_justice_off_cols), NULL};

/* ---- relatives and the population registry ---------------------------------------------- */

static const zg_col f_rel_cols[] = {
    {"officer_no", "干部编号", 0, NULL},
    {"name", "家庭成员姓名", 0, NULL},
    {"relation", "称谓", 0, "map:子女配偶=子女的配偶"},
    {"sex", "性别", 0, NULL},
    {"birth_date", "出生日期", ZG_ISO_DATE, NULL},
    {"id_no", "身份证件号码", 0, NULL},
    {"employer", "工作单位及职务", 0, NULL},
    {"phone", "联系方式", 0, NULL},
};
static const zg_export f_relatives = {
    "干部家庭成员情况.csv", "officer_relatives.mapping.yaml", "cadre_report",
    "officer_relative", "family members from personal-matters reports, foreign layout", ZG_CSV,
    ZG_GB18030, ',', "[officer_no, relation, birth_date]", f_rel_cols, N(f_rel_cols), NULL};

static const zg_col f_person_cols[] = {
    {"person_no", "人员编号", 0, NULL},
    {"id_no", "公民身份号码", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"sex", "性别", 0, "map:1=男|2=女"},
    {"birth_date", "出生日期", ZG_CN_DATE, NULL},
    {"region_code", "户籍地行政区划", 0, NULL},
    {"address", "户籍地址", 0, NULL},
    {"phone", "联系电话", 0, NULL},
    {"former_address", "迁来本址前住址", 0, NULL},
};
static const zg_export f_persons = {
    "常住人口信息.csv", "population.mapping.yaml", "hukou", "person",
    "population registry, foreign layout", ZG_CSV, ZG_UTF8, ',', "[person_no]", f_person_cols,
    N(f_person_cols), NULL};

/* ---- market regulation (GB18030) and tax ------------------------------------------------- */

static const zg_col f_ent_cols[] = {
    {"name", "企业名称", 0, NULL},
    {"uscc", "统一社会信用代码", 0, NULL},
    {"kind", "企业类型", 0, "map:1100=有限责任公司|9600=个体工商户|9100=农民专业合作社"},
    {"legal_rep_name", "法定代表人", 0, NULL},
    {"legal_rep_id_no", "法定代表人证件号码", 0, NULL},
    {"registered_capital", "注册资本", 0, "wan"},
    {"established_date", "成立日期", ZG_CN_DATE, NULL},
    {"status", "登记状态", 0, NULL},
    {"deregistered_date", "注销日期", ZG_CN_DATE, NULL},
    {"industry", "行业门类", 0, NULL},
    {"address", "住所", 0, NULL},
    {"region_code", "登记机关区划", 0, NULL},
};
static const zg_export f_enterprises = {
    "市场主体登记信息.csv", "samr_enterprises.mapping.yaml", "samr", "enterprise",
    "market-regulation registrations, foreign layout: GB18030, capital as 万元", ZG_CSV,
    ZG_GB18030, ',', "[uscc]", f_ent_cols, N(f_ent_cols), NULL};

static const zg_col f_role_cols[] = {
    {"enterprise_name", "企业名称", 0, NULL},
    {"uscc", "统一社会信用代码", 0, NULL},
    {"person_name", "姓名", 0, NULL},
    {"role", "职务", 0, NULL},
    {"person_id_no", "证件号码", 0, NULL},
    {"share_pct", "出资比例", 0, "percent"},
    {"subscribed_capital", "认缴出资额", 0, "wan"},
    {"start_date", "任职日期", ZG_CN_DATE, NULL},
    {"end_date", "离任日期", ZG_CN_DATE, NULL},
};
static const zg_export f_roles = {
    "市场主体人员及出资.csv", "samr_roles.mapping.yaml", "samr", "enterprise_role",
    "market-regulation roles and shareholdings, foreign layout: GB18030, shares as 60%",
    ZG_CSV, ZG_GB18030, ',', "[uscc, role, person_id_no]", f_role_cols, N(f_role_cols), NULL};

static const zg_col f_tax_cols[] = {
    {"taxpayer_no", "社会信用代码（纳税人识别号）", 0, NULL},
    {"taxpayer_name", "纳税人名称", 0, NULL},
    {"kind", "登记注册类型", 0, NULL},
    {"status", "纳税人状态", 0, NULL},
    {"legal_rep_name", "法定代表人（负责人）", 0, NULL},
    {"legal_rep_id_no", "法定代表人身份证号码", 0, NULL},
    {"finance_officer_name", "财务负责人", 0, NULL},
    {"finance_officer_id_no", "财务负责人身份证号码", 0, NULL},
    {"registered_date", "登记日期", ZG_ISO_DATE, NULL},
    {"deregistered_date", "注销日期", ZG_ISO_DATE, NULL},
    {"tax_authority_code", "主管税务所（科、分局）", 0, NULL},
    {"region_code", "行政区划", 0, NULL},
};
static const zg_export f_tax = {
    "纳税人登记信息.csv", "tax_registrations.mapping.yaml", "tax_ctais", "tax_registration",
    "tax registrations, foreign layout", ZG_CSV, ZG_UTF8, ',', "[taxpayer_no]", f_tax_cols,
    N(f_tax_cols), NULL};

/* ---- 110 incidents: free-text dispositions, the station by name -------------------------- */

static const zg_col f_inc_cols[] = {
    {"incident_no", "警情编号", 0, NULL},
    {"received_at", "接警时间", ZG_ISO_TS, NULL},
    {"reporter_name", "报警人姓名", 0, NULL},
    {"reporter_phone", "报警人联系电话", 0, NULL},
    {"category", "警情类别", 0, "map:01=刑事案件|02=治安案件|03=纠纷|04=交通事故|05=群众求助|"
                               "06=其他警情"},
    {"summary", "警情内容", 0, NULL},
    {"location", "案发地址", 0, NULL},
    {"region_code", "所属辖区", 0, NULL},
    {"unit_code", "处警单位", 0, "unit_name"},
    {"officer_no", "处警人警号", 0, NULL},
    {"disposition", "处警结果", 0,
     "map:受案=已受案，转办案部门办理/当场受案登记/受案，移交刑侦大队侦办|"
     "调解=经现场调解，双方达成和解/民警现场调解处理完毕/双方经调解自愿和解|"
     "无违法犯罪=经查无违法犯罪事实，已向报警人说明/现场核实，无违法犯罪行为|"
     "移交=已移交相关部门处理/移交属地街道办处理/已移交交警部门|"
     "其他=已告知报警人通过其他途径解决/报警人自行离开，其他途径解决"},
    {"disposed_at", "处警结束时间", ZG_ISO_TS, NULL},
    {"police_case_no", "关联案件编号", 0, NULL},
};
static const zg_export f_incidents = {
    "接处警记录.csv", "police_110.mapping.yaml", "police_110", "incident",
    "110 incidents, foreign layout: free-text results, the station by name", ZG_CSV,
    ZG_GB18030, ',', "[incident_no]", f_inc_cols, N(f_inc_cols), NULL};

static const zg_col f_pp_cols[] = {
    {"case_no", "案件编号", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"role", "人员身份", 0, NULL},
    {"id_no", "证件号码", 0, NULL},
    {"phone", "联系方式", 0, NULL},
    {"address", "现住址", 0, NULL},
};
static const zg_export f_police_parties = {
    "涉案人员信息.csv", "police_parties.mapping.yaml", "police_case", "case_party",
    "people in police cases, foreign layout", ZG_CSV, ZG_GB18030, ',',
    "[case_system, case_no, role, name]", f_pp_cols, N(f_pp_cols), NULL};

static const zg_col f_qp_cols[] = {
    {"case_no", "bmsah", 0, NULL},
    {"name", "xm", 0, NULL},
    {"id_no", "zjhm", 0, NULL},
    {"role", "ssjs", 0, NULL},
    {"address", "zsd", 0, NULL},
};
static const zg_export f_procu_parties = {
    "tyyw_xyr.csv", "procuratorate_parties.mapping.yaml", "procu_tyyw", "case_party",
    "suspects of procuratorate cases, foreign layout: pinyin headers", ZG_CSV, ZG_UTF8, ',',
    "[case_system, case_no, role, name]", f_qp_cols, N(f_qp_cols), NULL};

static const zg_col f_pe_cols[] = {
    {"case_no", "案件编号", 0, NULL},
    {"node", "办案环节", 0, "map:01=受案登记|02=延长受案审查期限|03=不予立案|04=立案|05=刑事拘留|"
                           "06=提请批准逮捕|07=取保候审|08=执行逮捕|09=讯问|10=行政处罚决定|"
                           "11=延长侦查羁押期限|12=撤销案件|13=移送审查起诉|14=中止侦查"},
    {"occurred_at", "办理时间", ZG_CN_MIN, NULL},
    {"officer_no", "办理人", 0, NULL},
    {"doc_no", "法律文书文号", 0, NULL},
    {"approval_no", "审批表编号", 0, NULL},
    {"approver", "审批领导", 0, NULL},
    {"days", "期限（天）", 0, NULL},
};
static const zg_export f_police_events = {
    "办案流程记录.csv", "police_events.mapping.yaml", "police_case", "case_event",
    "police case steps, foreign layout: steps by name", ZG_CSV, ZG_GB18030, ',',
    "[case_system, case_no, node, occurred_at]", f_pe_cols, N(f_pe_cols), NULL};

static const zg_col f_cp_cols[] = {
    {"case_no", "案号", 0, NULL},
    {"role", "诉讼地位", 0, NULL},
    {"party_kind", "当事人类别", 0, "map:法人=法人或其他组织|机关=国家机关"},
    {"name", "当事人名称", 0, NULL},
    {"id_no", "身份证号码", 0, NULL},
    {"uscc", "组织机构代码", 0, NULL},
    {"phone", "电话", 0, NULL},
    {"address", "送达地址", 0, NULL},
    {"lawyer_name", "委托代理人", 0, NULL},
    {"lawyer_firm", "代理人单位", 0, NULL},
    {"lawyer_license_no", "律师执业证号", 0, NULL},
};
static const zg_export f_court_parties = {
    "诉讼参与人.csv", "court_parties.mapping.yaml", "court_cms", "case_party",
    "court parties and their lawyers, foreign layout", ZG_CSV, ZG_UTF8, ',',
    "[case_system, case_no, role, name]", f_cp_cols, N(f_cp_cols), NULL};

/* ---- three-regulations records, complaints ---------------------------------------------- */

#define F_SGD_COLS(zero, cat, cs)                                                           \
    {"record_no", "记录编号", 0, NULL}, {"report_month", "报告月份", 0, NULL},                 \
    {"officer_no", "填报人", 0, NULL}, {"unit_code", "填报单位", 0, "unit_name"},             \
    {"is_zero_report", "零报告", 0, zero}, {"category", "情形", 0, cat},                       \
    {"actor_name", "过问人", 0, NULL}, {"actor_id_no", "过问人证件号", 0, NULL},             \
    {"actor_unit", "过问人单位", 0, NULL}, {"actor_position", "过问人职务", 0, NULL},         \
    {"case_system", "案件所属", 0, cs}, {"case_no", "案号", 0, NULL},                          \
    {"occurred_at", "过问时间", ZG_ISO_TS, NULL}, {"reported_at", "填报时间", ZG_ISO_TS, NULL}, \
    {"content", "具体情况", 0, NULL}

static const zg_col f_court_sgd_cols[] = {F_SGD_COLS(NULL, NULL, NULL)};
static const zg_export f_court_sgd = {
    "过问案件登记表_法院.csv", "court_three_regulations.mapping.yaml", "court_sgd",
    "interference_record", "court three-regulations records, foreign layout: units by name",
    ZG_CSV, ZG_UTF8, ',', "[record_no]", f_court_sgd_cols, N(f_court_sgd_cols), NULL};

static const zg_col f_procu_sgd_cols[] = {F_SGD_COLS(
    "map:true=是|false=否",
    "map:leader_interference=领导干部干预|internal_inquiry=内部人员过问|"
    "improper_contact=不当接触交往",
    "map:court=法院|procuratorate=检察院|police=公安")};
static const zg_export f_procu_sgd = {
    "过问案件登记表_检察院.csv", "procuratorate_three_regulations.mapping.yaml", "procu_zdsx",
    "interference_record", "procuratorate major-matters reports, foreign layout: CSV, GB18030",
    ZG_CSV, ZG_GB18030, ',', "[record_no]", f_procu_sgd_cols, N(f_procu_sgd_cols), NULL};

#define F_COMPLAINT_COLS(status, cs)                                                          \
    {"complaint_no", "编号", 0, NULL}, {"received_at", "登记时间", ZG_CN_MIN, NULL},           \
    {"channel", "渠道", 0, NULL}, {"complainant_name", "反映人", 0, NULL},                    \
    {"complainant_id_no", "反映人证件号码", 0, NULL},                                          \
    {"complainant_phone", "反映人电话", 0, NULL},                                               \
    {"target_unit_code", "被反映单位", 0, "unit_name"},                                         \
    {"target_officer_no", "被反映人员编号", 0, NULL},                                           \
    {"target_officer_name", "被反映人", 0, NULL}, {"case_system", "案件来源", 0, cs},           \
    {"case_no", "案号", 0, NULL}, {"category", "问题类别", 0, NULL},                          \
    {"content", "反映内容", 0, NULL}, {"status", "办理情况", 0, status}

static const zg_col f_c12309_cols[] = {F_COMPLAINT_COLS("map:0=已登记|1=办理中|2=已办结", "map:court=法院")};
static const zg_export f_complaints_12309 = {
    "12309举报登记.csv", "complaints_12309.mapping.yaml", "procu_12309", "complaint",
    "12309 reports, foreign layout: CSV, the target's unit by name", ZG_CSV, ZG_UTF8, ',',
    "[complaint_no]", f_c12309_cols, N(f_c12309_cols), NULL};

static const zg_col f_c12368_cols[] = {F_COMPLAINT_COLS("map:已受理=已登记", NULL)};
static const zg_export f_complaints_12368 = {
    "12368诉求登记.csv", "complaints_12368.mapping.yaml", "court_12368", "complaint",
    "12368 tickets, foreign layout: the target's unit by name", ZG_CSV, ZG_GB18030, ',',
    "[complaint_no]", f_c12368_cols, N(f_c12368_cols), NULL};

/* ---- execution: the prison by name ------------------------------------------------------- */

static const zg_col f_sc_cols[] = {
    {"change_no", "案件编号", 0, NULL},
    {"prison_unit_code", "执行机关", 0, "unit_name_digits"},
    {"prisoner_no", "罪犯编号", 0, NULL},
    {"prisoner_name", "姓名", 0, NULL},
    {"prisoner_id_no", "身份证号", 0, NULL},
    {"original_case_no", "原判决书案号", 0, NULL},
    {"crime", "罪名", 0, NULL},
    {"crime_category", "罪犯类别", 0, NULL},
    {"recidivist", "累犯", 0, NULL},
    {"sentence_kind", "原判刑种", 0, NULL},
    {"sentence_months", "原判刑期（月）", 0, NULL},
    {"sentence_start_date", "刑期起始日期", ZG_CN_DATE, NULL},
    {"change_type", "案件类型", 0, NULL},
    {"reduction_months", "减刑幅度（月）", 0, NULL},
    {"reason", "提请理由", 0, NULL},
    {"applied_at", "提请时间", ZG_ISO_TS, NULL},
    {"decided_at", "裁定时间", ZG_ISO_TS, NULL},
    {"court_case_no", "裁定书文号", 0, NULL},
    {"decision", "裁定结果", 0, NULL},
    {"last_review_date", "最近一次复查日期", ZG_CN_DATE, NULL},
};
static const zg_export f_sentence_changes = {
    "减刑假释案件信息.csv", "sentence_changes.mapping.yaml", "justice_jxjs", "sentence_change",
    "sentence changes, foreign layout: the prison by name", ZG_CSV, ZG_GB18030, ',',
    "[change_no]", f_sc_cols, N(f_sc_cols), NULL};

static const zg_col f_ccs_cols[] = {
    {"subject_no", "社区矫正对象编号", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"id_no", "身份证号", 0, NULL},
    {"correction_type", "矫正类别", 0, NULL},
    {"unit_code", "执行地社区矫正机构", 0, "unit_name"},
    {"region_code", "执行地区划", 0, NULL},
    {"start_date", "矫正期限起", ZG_SLASH_DATE, NULL},
    {"end_date", "矫正期限止", ZG_SLASH_DATE, NULL},
    {"device_no", "电子定位装置编号", 0, NULL},
    {"status", "矫正状态", 0, "map:解矫=已解除矫正"},
};
static const zg_export f_cc_subjects = {
    "社区矫正对象信息.csv", "cc_subjects.mapping.yaml", "justice_sqjz", "cc_subject",
    "community-correction subjects, foreign layout: the correction office by name", ZG_CSV,
    ZG_GB18030, ',', "[subject_no]", f_ccs_cols, N(f_ccs_cols), NULL};

static const zg_col f_ccl_cols[] = {
    {"leave_no", "请假编号", 0, NULL},
    {"subject_no", "社区矫正对象编号", 0, NULL},
    {"start_at", "外出开始时间", ZG_CN_MIN, NULL},
    {"end_at", "外出结束时间", ZG_CN_MIN, NULL},
    {"destination_region_code", "外出目的地区划", 0, NULL},
    {"reason", "外出事由", 0, NULL},
    {"approver", "审批机关", 0, NULL},
    {"approved_at", "审批时间", ZG_CN_MIN, NULL},
};
static const zg_export f_cc_leaves = {
    "社区矫正外出审批.csv", "cc_leaves.mapping.yaml", "justice_sqjz", "cc_leave",
    "community-correction leave approvals, foreign layout: Chinese headers", ZG_CSV,
    ZG_GB18030, ',', "[leave_no]", f_ccl_cols, N(f_ccl_cols), NULL};

static const zg_col f_gps_cols[] = {
    {"subject_no", "对象编号", 0, NULL},
    {"recorded_at", "定位时间", ZG_COMPACT_TS, NULL},
    {"lon", "经度", 0, "gcj_lon"},
    {"lat", "纬度", 0, "gcj_lat"},
    {"region_code", "所在区划", 0, NULL},
};
static const zg_export f_cc_locations = {
    "电子定位轨迹.jsonl", "cc_locations.mapping.yaml", "justice_gps", "cc_location",
    "electronic-monitoring points, foreign layout: Chinese keys, compact times", ZG_JSONL,
    ZG_UTF8, ',', "[subject_no, recorded_at]", f_gps_cols, N(f_gps_cols), NULL};

/* ---- the list ---------------------------------------------------------------------------- */

static const zg_foreign foreign[] = {
    {&zg_x_units, &f_units, zg_map_units, false, NULL},
    {&zg_x_court_officers, &f_court_officers, zg_map_court_officers, false, NULL},
    {&zg_x_procu_officers, &f_procu_officers, zg_map_procu_officers, false, NULL},
    {&zg_x_police_officers, &f_police_officers, zg_map_police_officers, false, NULL},
    {&zg_x_justice_officers, &f_justice_officers, zg_map_justice_officers, false, NULL},
    {&zg_x_relatives, &f_relatives, zg_map_relatives, false, NULL},
    {&zg_x_persons, &f_persons, zg_map_persons, false, NULL},
    {&zg_x_enterprises, &f_enterprises, zg_map_enterprises, false, NULL},
    {&zg_x_roles, &f_roles, zg_map_roles, false, NULL},
    {&zg_x_tax, &f_tax, zg_map_tax, false, NULL},
    {&zg_x_incidents, &f_incidents, zg_map_incidents, false, NULL},
    {&zg_x_police_cases, &zg_f_police_cases, zg_map_police_cases, true, NULL},
    {&zg_x_police_parties, &f_police_parties, zg_map_police_parties, false, NULL},
    {&zg_x_police_events, &f_police_events, zg_map_police_events, false, NULL},
    {&zg_x_procu_cases, &zg_f_procu_cases, zg_map_procu_cases, true, NULL},
    {&zg_x_procu_events, &zg_f_procu_events, zg_map_procu_events, true, NULL},
    {&zg_x_procu_parties, &f_procu_parties, zg_map_procu_parties, false, NULL},
    {&zg_x_court_cases, &zg_f_court_cases, zg_map_court_cases, true, "合计"},
    {&zg_x_court_parties, &f_court_parties, zg_map_court_parties, false, NULL},
    {&zg_x_court_events, &zg_f_court_events, zg_map_court_events, true, NULL},
    {&zg_x_court_sgd, &f_court_sgd, zg_map_court_sgd, false, NULL},
    {&zg_x_procu_sgd, &f_procu_sgd, zg_map_procu_sgd, false, NULL},
    {&zg_x_complaints_12309, &f_complaints_12309, zg_map_complaints_12309, false, NULL},
    {&zg_x_complaints_12368, &f_complaints_12368, zg_map_complaints_12368, false, NULL},
    {&zg_x_sentence_changes, &f_sentence_changes, zg_map_sentence_changes, false, NULL},
    {&zg_x_regions, &zg_f_regions, zg_map_regions, true, NULL},
    {&zg_x_cc_subjects, &f_cc_subjects, zg_map_cc_subjects, false, NULL},
    {&zg_x_cc_leaves, &f_cc_leaves, zg_map_cc_leaves, false, NULL},
    {&zg_x_cc_locations, &f_cc_locations, zg_map_cc_locations, false, NULL},
};

bool zg_system_foreign(const zg *g, const char *system)
{
    if (!g->opt || g->opt->layouts == ZJ_GEN_LAYOUT_DEFAULT)
        return false;
    if (g->opt->layouts == ZJ_GEN_LAYOUT_FOREIGN)
        return true;
    /* mixed: one bit per (seed, system), FNV-1a of the name mixed with the seed */
    uint64_t h = 1469598103934665603ull;
    for (const char *p = system; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return zg_mix(h ^ zg_mix(g->seed + 0x6c61796f7574ull)) >> 63;
}

const zg_foreign *zg_foreign_of(const zg *g, const zg_export *base)
{
    if (!zg_system_foreign(g, base->source_system))
        return NULL;
    for (int i = 0; i < N(foreign); i++)
        if (foreign[i].base == base)
            return &foreign[i];
    return NULL;
}

/* ---- units by code ----------------------------------------------------------------------- */

/* Unit codes sorted, for code -> name (built on first use for the run's province). */
static struct {
    const zg *g;
    int *order;
    int n;
} by_code;

static const zg *sort_g;
static int cmp_unit_code(const void *a, const void *b)
{
    return strcmp(sort_g->units[*(const int *)a].code, sort_g->units[*(const int *)b].code);
}

static int unit_index(const zg *g, const char *code);

const char *zg_unit_name(const zg *g, const char *code)
{
    int u = unit_index(g, code);
    return u < 0 ? NULL : g->units[u].name;
}

static int unit_index(const zg *g, const char *code)
{
    if (by_code.g != g || by_code.n != g->nunits) {
        free(by_code.order);
        by_code.order = malloc((size_t)(g->nunits ? g->nunits : 1) * sizeof(int));
        by_code.g = g;
        by_code.n = by_code.order ? g->nunits : 0;
        for (int i = 0; i < by_code.n; i++)
            by_code.order[i] = i;
        sort_g = g;
        if (by_code.n)
            qsort(by_code.order, (size_t)by_code.n, sizeof(int), cmp_unit_code);
    }
    int lo = 0, hi = by_code.n;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(g->units[by_code.order[mid]].code, code);
        if (c == 0)
            return by_code.order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void zg_layout_free(void)
{
    free(by_code.order);
    by_code.order = NULL;
    by_code.g = NULL;
    by_code.n = 0;
}

/* ---- numbers as people write them -------------------------------------------------------- */

/* v with up to `dec` decimals, trailing zeros dropped, thousands separated when asked. */
static int fmt_trim(char *out, double v, int dec, bool thousands)
{
    char b[64];
    snprintf(b, sizeof b, "%.*f", dec, v);
    char *dot = strchr(b, '.');
    if (dot) {
        char *e = b + strlen(b) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (!thousands)
        return (int)(stpcpy(out, b) - out);
    dot = strchr(b, '.');
    size_t ilen = dot ? (size_t)(dot - b) : strlen(b);
    int k = 0;
    size_t start = b[0] == '-' ? 1 : 0;
    if (start)
        out[k++] = '-';
    for (size_t i = start; i < ilen; i++) {
        if (i > start && (ilen - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = b[i];
    }
    k += (int)(stpcpy(out + k, b + ilen) - (out + k));
    return k;
}

int zg_fmt_yuan(char *out, double yuan)
{
    int64_t cents = (int64_t)(yuan * 100 + (yuan < 0 ? -0.5 : 0.5));
    if (cents % 10000 == 0 && cents >= 1000000) {     /* whole hundreds from 10k: 万元 */
        int k = fmt_trim(out, (double)cents / 1000000.0, 4, false);
        return k + (int)(stpcpy(out + k, "万元") - (out + k));
    }
    int k = fmt_trim(out, (double)cents / 100.0, 2, true);
    if (!strchr(out, '.'))
        k += (int)(stpcpy(out + k, ".00") - (out + k));
    else if (out[k - 2] == '.')
        out[k++] = '0', out[k] = '\0';
    return k + (int)(stpcpy(out + k, "元") - (out + k));
}

int zg_fmt_wan(char *out, double wan)
{
    int k = fmt_trim(out, wan, 6, true);
    return k + (int)(stpcpy(out + k, "万元") - (out + k));
}

int zg_fmt_percent(char *out, double pct)
{
    int k = fmt_trim(out, pct, 2, false);
    out[k++] = '%';
    out[k] = '\0';
    return k;
}

/* ---- re-rendering ------------------------------------------------------------------------ */

/* "map:a=b|c=d1/d2": the value for `v` (n bytes), or NULL when the table has none; of
 * alternatives d1/d2 (free text written in several ways) the one `pick` selects. */
static const char *map_value(const char *spec, const char *v, size_t n, uint64_t pick,
                             size_t *outn)
{
    const char *p = spec + 4;
    while (*p) {
        const char *eq = strchr(p, '='), *bar = strchr(p, '|');
        if (!eq)
            return NULL;
        if (!bar)
            bar = p + strlen(p);
        if ((size_t)(eq - p) == n && memcmp(p, v, n) == 0) {
            int alts = 1;
            for (const char *q = eq + 1; q < bar; q++)
                alts += *q == '/';
            const char *from = eq + 1;
            for (int k = (int)(pick % (uint64_t)alts); k > 0; k--)
                from = memchr(from, '/', (size_t)(bar - from)) + 1;
            const char *to = memchr(from, '/', (size_t)(bar - from));
            *outn = (size_t)((to ? to : bar) - from);
            return from;
        }
        p = *bar ? bar + 1 : bar;
    }
    return NULL;
}

void zg_foreign_render(zg_writer *w)
{
    const zg_export *x = w->fx->x;
    for (int i = 0; i < x->ncols; i++) {
        if (!x->cols[i].column)
            continue;
        const zg_cap *c = w->src[i] >= 0 ? &w->cap[w->src[i]] : NULL;
        const char *opts = x->cols[i].opts;
        const char *s = c && c->kind == ZG_CAP_STR ? w->capbuf.data + c->off : NULL;
        size_t n = c ? c->len : 0;
        char b[256];
        if (!c || c->kind == ZG_CAP_NULL) {
            zg_null(w);
        } else if (opts && strncmp(opts, "map:", 4) == 0 && s) {
            size_t mn;
            const char *m = map_value(opts, s, n, (uint64_t)w->rows, &mn);
            zg_sn(w, m ? m : s, m ? mn : n);
        } else if (opts && strncmp(opts, "unit_name", 9) == 0 && s) {
            snprintf(b, sizeof b, "%.*s", (int)n, s);
            int u = unit_index(w->g, b);
            if (u >= 0 && opts[9] && w->g->units[u].agency == ZG_AG_PRISON)
                snprintf(b, sizeof b, "陕西省第%d监狱", u - w->g->prison0 + 1);
            else if (u >= 0)
                snprintf(b, sizeof b, "%s", w->g->units[u].name);
            zg_s(w, b);
        } else if (opts && strncmp(opts, "gcj_", 4) == 0 && c->kind == ZG_CAP_F6) {
            /* a point in GCJ-02, as a Chinese map service gives it: both coordinates move */
            double la = 0, lo = 0, ga, go;
            for (int k = 0; k < w->fx->base->ncols; k++) {
                if (w->cap[k].kind != ZG_CAP_F6)
                    continue;
                if (strcmp(w->fx->base->cols[k].field, "lat") == 0)
                    la = w->cap[k].d;
                else if (strcmp(w->fx->base->cols[k].field, "lon") == 0)
                    lo = w->cap[k].d;
            }
            zj_gcj02_from_wgs84(la, lo, &ga, &go);
            zg_f6(w, strcmp(opts, "gcj_lat") == 0 ? ga : go);
        } else if (opts && c->kind == ZG_CAP_MONEY) {
            int k = strcmp(opts, "yuan") == 0 ? zg_fmt_yuan(b, c->d)
                  : strcmp(opts, "wan") == 0 ? zg_fmt_wan(b, c->d)
                  : w->rows & 1 ? fmt_trim(b, c->d / 100, 6, false) : zg_fmt_percent(b, c->d);
            zg_sn(w, b, (size_t)k);
        } else {
            switch (c->kind) {
            case ZG_CAP_STR: zg_sn(w, s, n); break;
            case ZG_CAP_INT: zg_i(w, c->i); break;
            case ZG_CAP_MONEY: zg_money(w, c->d); break;
            case ZG_CAP_F6: zg_f6(w, c->d); break;
            case ZG_CAP_TIME: zg_time(w, c->i); break;
            default: zg_null(w);
            }
        }
    }
}

int zg_write_foreign_mapping(zg *g, const zg_foreign *fx, zj_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", g->dir, fx->x->mapping);
    FILE *f = fopen(path, "wb");
    size_t n = strlen(fx->mapping);
    int rc = ZJ_OK;
    if (!f || fwrite(fx->mapping, 1, n, f) != n)
        rc = zj_fail(err, ZJ_EDATA, "cannot write '%s': %s", path, strerror(errno));
    if (f && fclose(f) && !rc)
        rc = zj_fail(err, ZJ_EDATA, "cannot write '%s': %s", path, strerror(errno));
    return rc;
}
