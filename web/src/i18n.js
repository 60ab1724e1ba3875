// i18n.js - the app's words, Chinese first (the default) and English; t('key') in the
// language chosen, kept in localStorage. Unknown keys show as themselves.

const zh = {
  app: '智监', app_sub: '政法队伍廉政监督平台', lang_switch: 'English', logout: '退出',
  login: '登录', username: '用户名', password: '密码', login_failed: '登录失败',
  home: '首页', workbench: '线索工作台', portal: '三个规定填报', cockpit: '领导驾驶舱',
  filing: '立案辅助', entity: '人员/企业', data: '数据导入', audit: '审计校验',
  welcome: '欢迎', role: '角色', unit: '单位', officer_no: '警号/工号',
  roles: { officer: '干警', filing_judge: '立案法官', sc_prison: '监所检察', sc_procurator: '检察监督',
    sc_court: '法院监督', data_steward: '数据管理员', service: '系统账号', unit_supervisor: '单位纪检',
    inspector: '纪检监察员', leader: '领导', admin: '系统管理员' },
  detector: '规则', severity: '风险等级', status: '状态', state: '处置状态', overdue: '仅超期',
  all: '全部', filter: '筛选', reset: '重置', export_xlsx: '导出 Excel', export_csv: '导出 CSV',
  search: '查找', search_hint: '人员、企业、单位或案号', not_built: '未实现',
  id: '编号', title: '线索', code: '规则编号', total: '共', items: '条', prev: '上一页', next: '下一页',
  none: '暂无数据', loading: '加载中…', error: '出错了', field: '字段',
  explanation: '说明', basis: '法律依据', evidence: '证据记录', facts: '事实要素', path: '关联路径',
  source: '来源', file: '文件', line: '行', table: '数据表', record: '记录', role_in: '角色',
  workflow: '处置流程', history: '处置记录', comments: '批注', comment: '批注', add_comment: '添加批注',
  assign: '分派', start: '开始核查', confirm: '认定属实', dismiss: '排除', rectify: '督促整改',
  close: '办结', reopen: '重启', assignee: '承办人', unit_code: '承办单位', deadline: '期限', reason: '理由',
  do_action: '执行', action_done: '已完成', unmask: '显示完整信息（留痕）', masked: '已脱敏',
  states: { new: '新线索', assigned: '已分派', verifying: '核查中', confirmed: '已认定',
    dismissed: '已排除', rectification: '整改中', closed: '已办结' },
  lead_status: { new: '新', updated: '更新', stale: '失效' },
  sev: { 1: '低', 2: '中', 3: '高', 4: '严重' },
  file_record: '填报干预过问记录', zero_report: '月度零报告', zero_btn: '一键零报告（当月无干预过问情况）',
  category: '类型', cat: { leader_interference: '领导干部干预司法活动', internal_inquiry: '司法机关内部人员过问案件',
    improper_contact: '与当事人、律师等不正当接触交往' },
  actor_name: '干预/过问人姓名', actor_unit: '其单位', actor_position: '其职务', case_system: '案件所属',
  systems: { court: '法院', procuratorate: '检察院', police: '公安' }, case_no: '案号',
  occurred_at: '发生时间', content: '具体情况及处理', submit: '提交', submitted: '已提交',
  record_no: '记录编号', reported_at: '填报时间', kind: '类别',
  kinds: { record: '干预过问记录', zero: '零报告', quarterly: '季度报告' },
  my_history: '我的填报记录', reminder: '提醒', month: '月份',
  remind_due: (m, d, due) => d >= 0 ? `${m} 的记录或零报告尚未填报，${due} 截止，还有 ${d} 天。` : `${m} 的记录或零报告尚未填报，已于 ${due} 逾期，请尽快补报。`,
  remind_done: (m) => `${m} 月已填报。`,
  headline: '核心指标', leads_total: '线索总数', leads_open: '待处置', overdue_n: '超期线索',
  month_warnings: '本月预警', compliance: '填报合规率', by_type: '线索按类型', by_state: '线索按处置状态',
  by_region: '区域分布 · 有线索干警 ‰', by_region_schematic: '（示意图，按区划代码排布）', trend: '按月趋势', ranking: '单位排名',
  drill_hint: '点击图表查看明细', list_behind: '明细', back: '返回',
  measures: { officers_with_leads: '有线索干警（每千人）', report_compliance: '填报合规率 %', report_late: '迟报率 %', report_missing: '漏报率 %', complaints: '被投诉（每千人）' },
  all_codes: '全部类型', measure: '指标', figure: '数值', rate_col: '比率',
  party: '当事人', parties: '当事人（每行一名：诉讼地位 姓名 证件号 [电话]，如 原告 张三 6101…）', cause: '案由', check: '风险审查',
  claim: '诉讼标的额（元）', case_type_l: '案件类型代字', prompts: '风险提示', factors: '因素', score: '分值',
  warn_yes: '预警', warn_no: '未达预警', supporting: '支持案件', identity: '身份识别', history_l: '涉诉历史',
  method: '识别方式', confidence: '可信度', why_linked: '比对依据（权重）', claims_l: '诉讼请求', cases_n: '案件数', same_name: '同名人数',
  filing_unavailable: '立案风险审查服务暂不可用', entity_id: '实体编号', open: '打开',
  mentions: '出现记录', relations: '关系图', provenance: '来源',
  mapping: '映射', upload: '上传导入', choose_file: '选择文件', rejects: '拒收明细',
  rows_read: '读取', inserted: '新增', updated: '更新', unchanged: '未变', rejected: '拒收',
  batch: '批次', audit_ok: '审计链完整，未发现篡改', audit_bad: '审计链校验失败',
  entries: '条目', checkpoints: '签名检查点', verify_now: '立即校验', seconds: '耗时（秒）',
  roles_home: '您的工作', as_table: '数据表（可用键盘查看明细）', my_leads: '分派给我的待办线索', export_note: '导出会记录到审计日志（含筛选条件）',
};

const en = {
  app: 'zhijian', app_sub: 'Integrity supervision for the political-legal system', lang_switch: '中文',
  logout: 'Log out', login: 'Log in', username: 'Username', password: 'Password',
  login_failed: 'Login failed', home: 'Home', workbench: 'Lead workbench', portal: 'Three regulations',
  cockpit: 'Cockpit', filing: 'Filing assistant', entity: 'Person / enterprise', data: 'Data import',
  audit: 'Audit', welcome: 'Welcome', role: 'Role', unit: 'Unit', officer_no: 'Officer no.',
  roles: { officer: 'Officer', filing_judge: 'Filing judge', sc_prison: 'Prison procurator',
    sc_procurator: 'Procuratorial supervision', sc_court: 'Court supervision', data_steward: 'Data steward',
    service: 'Service account', unit_supervisor: 'Unit supervisor', inspector: 'Inspector',
    leader: 'Leader', admin: 'Administrator' },
  detector: 'Detector', severity: 'Severity', status: 'Status', state: 'State', overdue: 'Overdue only',
  all: 'All', filter: 'Filter', reset: 'Reset', export_xlsx: 'Export Excel', export_csv: 'Export CSV',
  search: 'Search', search_hint: 'Person, enterprise, unit or case no.', not_built: 'not built',
  id: 'ID', title: 'Lead', code: 'Code', total: 'Total', items: '', prev: 'Previous', next: 'Next',
  none: 'Nothing here', loading: 'Loading…', error: 'Error', field: 'Field',
  explanation: 'Explanation', basis: 'Legal basis', evidence: 'Evidence', facts: 'Facts', path: 'Relation path',
  source: 'Source', file: 'File', line: 'Line', table: 'Table', record: 'Record', role_in: 'Role',
  workflow: 'Workflow', history: 'History', comments: 'Comments', comment: 'Comment', add_comment: 'Add comment',
  assign: 'Assign', start: 'Start verifying', confirm: 'Confirm', dismiss: 'Dismiss', rectify: 'Rectify',
  close: 'Close', reopen: 'Reopen', assignee: 'Assignee', unit_code: 'Unit assigned', deadline: 'Deadline', reason: 'Reason',
  do_action: 'Do it', action_done: 'Done', unmask: 'Show in full (audited)', masked: 'masked',
  states: { new: 'New', assigned: 'Assigned', verifying: 'Verifying', confirmed: 'Confirmed',
    dismissed: 'Dismissed', rectification: 'Rectification', closed: 'Closed' },
  lead_status: { new: 'new', updated: 'updated', stale: 'stale' },
  sev: { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Critical' },
  file_record: 'File an interference record', zero_report: 'Monthly zero report',
  zero_btn: 'One-click zero report (nothing to report that month)', category: 'Type',
  cat: { leader_interference: 'Interference by a leading official', internal_inquiry: 'Inquiry by judicial staff',
    improper_contact: 'Improper contact with parties or lawyers' },
  actor_name: 'Name of the person', actor_unit: 'Their unit', actor_position: 'Their position',
  case_system: 'Case held by', systems: { court: 'Court', procuratorate: 'Procuratorate', police: 'Police' },
  case_no: 'Case no.', occurred_at: 'When', content: 'What was asked and how it was handled',
  submit: 'Submit', submitted: 'Submitted', record_no: 'Record no.', reported_at: 'Filed at', kind: 'Kind',
  kinds: { record: 'Record', zero: 'Zero report', quarterly: 'Quarterly report' },
  my_history: 'My filings', reminder: 'Reminder', month: 'Month',
  remind_due: (m, d, due) => d >= 0 ? `Nothing filed for ${m} yet: due ${due}, ${d} day(s) left.` : `Nothing filed for ${m}: overdue since ${due}, please file now.`,
  remind_done: (m) => `${m} is filed.`,
  headline: 'Headline figures', leads_total: 'Leads', leads_open: 'Open', overdue_n: 'Overdue',
  month_warnings: "This month's warnings", compliance: 'Reporting compliance', by_type: 'Leads by type',
  by_state: 'Leads by state', by_region: 'Regions · officers with leads ‰', by_region_schematic: ' (schematic, by region code)', trend: 'By month',
  ranking: 'Unit ranking', drill_hint: 'Click a chart for the list behind it', list_behind: 'List', back: 'Back',
  measures: { officers_with_leads: 'Officers with leads (per 1,000)', report_compliance: 'Reporting compliance %', report_late: 'Late reports %', report_missing: 'Missing reports %', complaints: 'Complaints (per 1,000)' },
  all_codes: 'all types', measure: 'Measure', figure: 'Count', rate_col: 'Rate',
  party: 'Party', parties: 'Parties (one a line: role name ID-number [phone], e.g. 原告 张三 6101…)', cause: 'Cause of action', check: 'Check risks',
  claim: 'Claim amount (yuan)', case_type_l: 'Case type code', prompts: 'Risk prompts', factors: 'Factors', score: 'Score',
  warn_yes: 'Warning', warn_no: 'Below threshold', supporting: 'Supporting cases', identity: 'Identity', history_l: 'Litigation history',
  method: 'Method', confidence: 'Confidence', why_linked: 'Comparators (weight)', claims_l: 'Claims', cases_n: 'Cases', same_name: 'Same-name people',
  filing_unavailable: 'The filing risk check is not available', entity_id: 'Entity ID', open: 'Open',
  mentions: 'Records', relations: 'Relations', provenance: 'Provenance',
  mapping: 'Mapping', upload: 'Upload and import', choose_file: 'Choose a file', rejects: 'Rejected rows',
  rows_read: 'Read', inserted: 'Inserted', updated: 'Updated', unchanged: 'Unchanged', rejected: 'Rejected',
  batch: 'Batch', audit_ok: 'The audit trail is intact', audit_bad: 'The audit trail failed verification',
  entries: 'Entries', checkpoints: 'Signed checkpoints', verify_now: 'Verify now', seconds: 'Seconds',
  roles_home: 'Your work', as_table: 'As a table (keyboard: open the list behind it)', my_leads: 'Open leads assigned to me', export_note: 'Exports are recorded in the audit trail with their filters',
};

let lang = localStorage.getItem('zj_lang') === 'en' ? 'en' : 'zh';
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';

export function t(key, ...args) {
  const d = lang === 'en' ? en : zh;
  let v = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), d);
  if (v === undefined) v = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), zh);
  if (typeof v === 'function') return v(...args);
  return v === undefined ? key : v;
}

export const currentLang = () => lang;

export function toggleLang() {
  lang = lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('zj_lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}
