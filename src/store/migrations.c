/* migrations.c - the store's schema as numbered migrations (the canonical data model, 数据标准).
 *
 * Migration N is applied once, in its own transaction, and recorded in schema_migration.
 * A released migration is never edited: a change to the model is a new migration appended
 * to the list. The SQL sticks to types and syntax that SQLite and PostgreSQL share (TEXT,
 * INTEGER, REAL, DATE, TIMESTAMP, BOOLEAN; no AUTOINCREMENT) so the PostgreSQL backend can
 * apply the same text with at most the id column's type rewritten.
 *
 * Field meanings, Chinese names and code values are in docs/data-standard.md; keep the two in
 * step. Conventions: *_no is a business identifier as the agency writes it, id_no a resident
 * ID (身份证号), uscc a unified social credit code, *_date a DATE, *_at a TIMESTAMP, *_code a
 * code from a code table. Every canonical table starts with the provenance columns below.
 * batch_id names an import_batch row but is not declared a foreign key: only the store's
 * writer sets it, to the batch it created in the same transaction, and a per-row foreign-key
 * probe costs a measurable share of bulk-load time.
 */
#include "store/migrations.h"

#define PROVENANCE                                                                  \
    "id INTEGER PRIMARY KEY,\n"                                                     \
    "source_system TEXT NOT NULL,\n"                                                \
    "source_key TEXT NOT NULL,\n"                                                   \
    "key_hash INTEGER NOT NULL,\n"                                                  \
    "batch_id INTEGER NOT NULL,\n"                                                  \
    "src_line INTEGER NOT NULL,\n"                                                  \
    "content_hash INTEGER NOT NULL,\n"

/* The natural key is found through a 64-bit hash of (source_system, source_key): an integer
 * index is a fraction of the size of one on the key text (which matters at 72M rows) and
 * much faster to build. Uniqueness is kept by the store's writer, which compares the text of
 * every row with a matching hash (store_sqlite.c). */
#define SOURCE_KEY(t) "CREATE INDEX " t "_key ON " t "(key_hash);\n"

static const char m0001_canonical_model[] =
    /* ---- bookkeeping ---- */
    "CREATE TABLE import_batch (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  source_system TEXT NOT NULL,\n"
    "  table_name TEXT NOT NULL,\n"
    "  file TEXT NOT NULL,\n"
    "  file_digest TEXT NOT NULL,\n"
    "  mapping TEXT,\n"
    "  mapping_digest TEXT,\n"
    "  started_at TIMESTAMP NOT NULL,\n"
    "  finished_at TIMESTAMP,\n"
    "  status TEXT NOT NULL,\n"
    "  rows_read INTEGER NOT NULL DEFAULT 0,\n"
    "  inserted INTEGER NOT NULL DEFAULT 0,\n"
    "  updated INTEGER NOT NULL DEFAULT 0,\n"
    "  unchanged INTEGER NOT NULL DEFAULT 0,\n"
    "  rejected INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE import_reject (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  batch_id INTEGER NOT NULL REFERENCES import_batch(id),\n"
    "  line INTEGER NOT NULL,\n"
    "  field TEXT,\n"
    "  reason TEXT NOT NULL,\n"
    "  raw TEXT);\n"
    "CREATE INDEX import_reject_batch ON import_reject(batch_id);\n"
    /* Old versions of canonical records replaced by a later import (values as a JSON object). */
    "CREATE TABLE record_version (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  table_name TEXT NOT NULL,\n"
    "  record_id INTEGER NOT NULL,\n"
    "  batch_id INTEGER NOT NULL,\n"
    "  src_line INTEGER NOT NULL,\n"
    "  content_hash INTEGER NOT NULL,\n"
    "  replaced_by_batch INTEGER NOT NULL REFERENCES import_batch(id),\n"
    "  data TEXT NOT NULL);\n"
    "CREATE INDEX record_version_record ON record_version(table_name, record_id);\n"
    /* Indexes a bulk load dropped and left for later (see store_sqlite.c). */
    "CREATE TABLE store_pending_index (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  table_name TEXT NOT NULL,\n"
    "  sql TEXT NOT NULL);\n"

    /* ---- organisation ---- */
    /* 单位: courts, procuratorates, police bureaus/stations, prisons, justice bureaus, ... */
    "CREATE TABLE unit (" PROVENANCE
    "  unit_code TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  agency TEXT,\n"             /* court|procuratorate|police|justice|prison|community_correction|market_regulation|tax|committee */
    "  level TEXT,\n"              /* province|city|county|station */
    "  parent_code TEXT,\n"
    "  region_code TEXT);\n"
    SOURCE_KEY("unit")
    "CREATE INDEX unit_code ON unit(unit_code);\n"
    /* 干警 */
    "CREATE TABLE officer (" PROVENANCE
    "  officer_no TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  id_no TEXT,\n"
    "  sex TEXT,\n"                /* M|F */
    "  birth_date DATE,\n"
    "  phone TEXT,\n"
    "  unit_code TEXT,\n"
    "  position TEXT,\n"           /* 职务 */
    "  rank TEXT,\n"               /* 职级 */
    "  business_area TEXT,\n"      /* 业务领域: criminal|civil|administrative|enforcement|investigation|prosecution|corrections|... */
    "  is_leader BOOLEAN,\n"       /* 领导干部 */
    "  start_date DATE,\n"         /* tenure in this unit and post */
    "  end_date DATE,\n"
    "  status TEXT);\n"            /* active|retired|transferred|dismissed */
    SOURCE_KEY("officer")
    "CREATE INDEX officer_no ON officer(officer_no);\n"
    /* 干警近亲属 */
    "CREATE TABLE officer_relative (" PROVENANCE
    "  officer_no TEXT NOT NULL,\n"
    "  relation TEXT NOT NULL,\n"  /* spouse|child|child_spouse|parent|sibling */
    "  name TEXT NOT NULL,\n"
    "  id_no TEXT,\n"
    "  sex TEXT,\n"
    "  birth_date DATE,\n"
    "  phone TEXT,\n"
    "  employer TEXT);\n"
    SOURCE_KEY("officer_relative")
    "CREATE INDEX officer_relative_officer ON officer_relative(officer_no);\n"

    /* ---- people and enterprises ---- */
    /* 人员 (population registry, parties, ...) */
    "CREATE TABLE person (" PROVENANCE
    "  person_no TEXT,\n"
    "  name TEXT NOT NULL,\n"
    "  id_no TEXT,\n"
    "  sex TEXT,\n"
    "  birth_date DATE,\n"
    "  phone TEXT,\n"
    "  address TEXT,\n"
    "  region_code TEXT);\n"
    SOURCE_KEY("person")
    /* 市场主体 (enterprises and individual businesses) */
    "CREATE TABLE enterprise (" PROVENANCE
    "  uscc TEXT,\n"
    "  name TEXT NOT NULL,\n"
    "  kind TEXT,\n"               /* company|individual_business|cooperative|partnership|other */
    "  legal_rep_name TEXT,\n"
    "  legal_rep_id_no TEXT,\n"
    "  registered_capital REAL,\n" /* 10k CNY (万元) */
    "  established_date DATE,\n"
    "  deregistered_date DATE,\n"  /* 注销/吊销 */
    "  status TEXT,\n"             /* active|deregistered|revoked */
    "  industry TEXT,\n"
    "  region_code TEXT,\n"
    "  address TEXT);\n"
    SOURCE_KEY("enterprise")
    "CREATE INDEX enterprise_uscc ON enterprise(uscc);\n"
    /* 企业任职/出资: legal representative, shareholder, director, supervisor, manager */
    "CREATE TABLE enterprise_role (" PROVENANCE
    "  uscc TEXT,\n"
    "  enterprise_name TEXT,\n"
    "  person_name TEXT NOT NULL,\n"
    "  person_id_no TEXT,\n"
    "  role TEXT NOT NULL,\n"      /* legal_rep|shareholder|director|supervisor|manager|operator */
    "  share_pct REAL,\n"
    "  subscribed_capital REAL,\n" /* 10k CNY */
    "  start_date DATE,\n"
    "  end_date DATE);\n"
    SOURCE_KEY("enterprise_role")
    "CREATE INDEX enterprise_role_uscc ON enterprise_role(uscc);\n"
    /* 税务登记 */
    "CREATE TABLE tax_registration (" PROVENANCE
    "  taxpayer_no TEXT NOT NULL,\n"  /* USCC, or the operator's ID for individual businesses */
    "  taxpayer_name TEXT NOT NULL,\n"
    "  kind TEXT,\n"
    "  legal_rep_name TEXT,\n"
    "  legal_rep_id_no TEXT,\n"
    "  finance_officer_name TEXT,\n"
    "  finance_officer_id_no TEXT,\n"
    "  registered_date DATE,\n"
    "  deregistered_date DATE,\n"
    "  status TEXT,\n"
    "  tax_authority_code TEXT,\n"
    "  region_code TEXT);\n"
    SOURCE_KEY("tax_registration")

    /* ---- cases ---- */
    /* 110 接处警 */
    "CREATE TABLE incident (" PROVENANCE
    "  incident_no TEXT NOT NULL,\n"
    "  received_at TIMESTAMP NOT NULL,\n"
    "  category TEXT,\n"           /* criminal|public_security|dispute|traffic|help|other */
    "  summary TEXT,\n"
    "  location TEXT,\n"
    "  region_code TEXT,\n"
    "  reporter_name TEXT,\n"
    "  reporter_phone TEXT,\n"
    "  unit_code TEXT,\n"          /* handling police unit */
    "  officer_no TEXT,\n"
    "  disposition TEXT,\n"        /* accepted|mediated|no_crime|referred|other */
    "  disposed_at TIMESTAMP,\n"
    "  police_case_no TEXT);\n"
    SOURCE_KEY("incident")
    /* 公安案件 (受案, 立案, 侦查, 移送) */
    "CREATE TABLE police_case (" PROVENANCE
    "  case_no TEXT NOT NULL,\n"
    "  incident_no TEXT,\n"
    "  kind TEXT,\n"               /* criminal|administrative */
    "  cause TEXT,\n"              /* 案由 */
    "  unit_code TEXT,\n"
    "  officer_no TEXT,\n"
    "  accepted_at TIMESTAMP,\n"   /* 受案 */
    "  filing_decision TEXT,\n"    /* filed|not_filed|pending */
    "  filing_decided_at TIMESTAMP,\n" /* when filing or non-filing was decided */
    "  filed_at TIMESTAMP,\n"      /* 立案 */
    "  filing_doc_no TEXT,\n"
    "  major BOOLEAN,\n"           /* 重大案件 (30-day filing review) */
    "  closed_at TIMESTAMP,\n"
    "  close_reason TEXT,\n"       /* transferred|revoked|penalised|mediated|other */
    "  transferred_at TIMESTAMP,\n" /* 移送审查起诉 */
    "  procuratorate_case_no TEXT,\n"
    "  three_reg_declared BOOLEAN,\n" /* 三个规定 mandatory declaration */
    "  three_reg_declared_at TIMESTAMP,\n"
    "  status TEXT);\n"
    SOURCE_KEY("police_case")
    "CREATE INDEX police_case_no ON police_case(case_no);\n"
    /* 检察案件 (审查逮捕, 审查起诉) */
    "CREATE TABLE procuratorate_case (" PROVENANCE
    "  case_no TEXT NOT NULL,\n"
    "  police_case_no TEXT,\n"
    "  kind TEXT,\n"               /* arrest_review|prosecution_review|supervision|other */
    "  procedure TEXT,\n"          /* ordinary|major_complex|fast_track */
    "  cause TEXT,\n"
    "  unit_code TEXT,\n"
    "  officer_no TEXT,\n"
    "  received_at TIMESTAMP,\n"
    "  decision TEXT,\n"           /* arrest|no_arrest|prosecute|not_prosecute|returned|pending */
    "  decided_at TIMESTAMP,\n"
    "  court_case_no TEXT,\n"
    "  status TEXT);\n"
    SOURCE_KEY("procuratorate_case")
    "CREATE INDEX procuratorate_case_no ON procuratorate_case(case_no);\n"
    /* 法院案件 */
    "CREATE TABLE court_case (" PROVENANCE
    "  case_no TEXT NOT NULL,\n"   /* 案号, normalised */
    "  court_code TEXT,\n"         /* unit_code of the court */
    "  case_type TEXT,\n"          /* type code from the case number: 民初, 刑终, 执, ... */
    "  cause TEXT,\n"              /* 案由 */
    "  procedure TEXT,\n"          /* ordinary|summary|small_claims|fast_track|second_instance|... */
    "  filed_at TIMESTAMP,\n"      /* 立案 */
    "  closed_at TIMESTAMP,\n"     /* 结案 */
    "  outcome TEXT,\n"            /* judgment|mediation|withdrawn|dismissed|acquittal|conviction|... */
    "  judge_officer_no TEXT,\n"
    "  claim_amount REAL,\n"       /* CNY */
    "  claims TEXT,\n"             /* 诉讼请求 */
    "  procuratorate_case_no TEXT,\n"
    "  status TEXT);\n"
    SOURCE_KEY("court_case")
    "CREATE INDEX court_case_no ON court_case(case_no);\n"
    /* 案件当事人 */
    "CREATE TABLE case_party (" PROVENANCE
    "  case_system TEXT NOT NULL,\n" /* police|procuratorate|court */
    "  case_no TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"      /* plaintiff|defendant|third_party|suspect|victim|applicant|respondent|appellant|appellee|executor|debtor */
    "  party_kind TEXT,\n"         /* person|enterprise */
    "  name TEXT NOT NULL,\n"
    "  id_no TEXT,\n"
    "  uscc TEXT,\n"
    "  phone TEXT,\n"
    "  address TEXT,\n"
    "  lawyer_name TEXT,\n"
    "  lawyer_firm TEXT,\n"
    "  lawyer_license_no TEXT);\n"
    SOURCE_KEY("case_party")
    "CREATE INDEX case_party_case ON case_party(case_system, case_no);\n"
    /* 流程节点 */
    "CREATE TABLE case_event (" PROVENANCE
    "  case_system TEXT NOT NULL,\n"
    "  case_no TEXT NOT NULL,\n"
    "  node TEXT NOT NULL,\n"      /* node code, see docs/data-standard.md */
    "  occurred_at TIMESTAMP NOT NULL,\n"
    "  officer_no TEXT,\n"
    "  doc_no TEXT,\n"             /* 文书号 */
    "  approval_no TEXT,\n"        /* 审批单号 (extensions, suspensions) */
    "  approver TEXT,\n"
    "  days INTEGER,\n"            /* extension or suspension length in days ... */
    "  months INTEGER,\n"          /* ... or in months, as the law states most limits */
    "  person_name TEXT,\n"        /* the suspect/defendant the event concerns (custody limits run per person) */
    "  person_id_no TEXT,\n"
    "  result TEXT,\n"             /* decision outcome: approved|refused|prosecute|not_prosecute|... */
    "  note TEXT);\n"
    SOURCE_KEY("case_event")
    "CREATE INDEX case_event_case ON case_event(case_system, case_no);\n"

    /* ---- integrity ---- */
    /* 三个规定 记录报告 (records and monthly zero reports) */
    "CREATE TABLE interference_record (" PROVENANCE
    "  record_no TEXT NOT NULL,\n"
    "  officer_no TEXT NOT NULL,\n"
    "  unit_code TEXT,\n"
    "  report_month TEXT NOT NULL,\n" /* YYYY-MM the report covers */
    "  is_zero_report BOOLEAN NOT NULL,\n"
    "  category TEXT,\n"           /* leader_interference|internal_inquiry|improper_contact */
    "  actor_name TEXT,\n"
    "  actor_id_no TEXT,\n"
    "  actor_unit TEXT,\n"
    "  actor_position TEXT,\n"
    "  case_system TEXT,\n"
    "  case_no TEXT,\n"
    "  occurred_at TIMESTAMP,\n"
    "  reported_at TIMESTAMP NOT NULL,\n"
    "  content TEXT);\n"
    SOURCE_KEY("interference_record")
    "CREATE INDEX interference_record_officer ON interference_record(officer_no, report_month);\n"
    /* 12309 / 12368 complaints */
    "CREATE TABLE complaint (" PROVENANCE
    "  complaint_no TEXT NOT NULL,\n"
    "  channel TEXT,\n"            /* 12309|12368|letter|visit|online */
    "  received_at TIMESTAMP NOT NULL,\n"
    "  complainant_name TEXT,\n"
    "  complainant_id_no TEXT,\n"
    "  complainant_phone TEXT,\n"
    "  target_officer_no TEXT,\n"
    "  target_officer_name TEXT,\n"
    "  target_unit_code TEXT,\n"
    "  case_system TEXT,\n"
    "  case_no TEXT,\n"
    "  category TEXT,\n"
    "  content TEXT,\n"
    "  status TEXT);\n"
    SOURCE_KEY("complaint")

    /* ---- execution of sentences ---- */
    /* 减刑/假释/暂予监外执行 */
    "CREATE TABLE sentence_change (" PROVENANCE
    "  change_no TEXT NOT NULL,\n"
    "  prisoner_no TEXT,\n"
    "  prisoner_name TEXT NOT NULL,\n"
    "  prisoner_id_no TEXT,\n"
    "  prison_unit_code TEXT,\n"
    "  original_case_no TEXT,\n"
    "  crime TEXT,\n"
    "  crime_category TEXT,\n"     /* ordinary|duty|financial|organized|state_security|terrorism|drug|violent */
    "  recidivist BOOLEAN,\n"
    "  sentence_kind TEXT,\n"      /* fixed|life|death_suspended */
    "  original_sentence_months INTEGER,\n" /* term as first imposed (fixed) */
    "  sentence_months INTEGER,\n" /* current term for fixed sentences */
    "  commuted_date DATE,\n"      /* life/death-suspended commuted to a fixed term */
    "  property_penalty_unpaid BOOLEAN,\n" /* monetary parts of the judgment not performed */
    "  sentence_start_date DATE,\n"
    "  change_type TEXT NOT NULL,\n" /* reduction|parole|medical_parole */
    "  reduction_months INTEGER,\n"
    "  reason TEXT,\n"             /* repentance|merit|major_merit|illness */
    "  applied_at TIMESTAMP,\n"
    "  decided_at TIMESTAMP,\n"
    "  court_case_no TEXT,\n"
    "  decision TEXT,\n"           /* granted|refused|pending */
    "  last_review_date DATE);\n"  /* medical parole: last re-examination */
    SOURCE_KEY("sentence_change")
    /* 在押罪犯 (prison roster: who is serving, where, from when to when) */
    "CREATE TABLE prisoner (" PROVENANCE
    "  prisoner_no TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  id_no TEXT,\n"
    "  prison_unit_code TEXT,\n"
    "  admitted_date DATE,\n"
    "  released_date DATE,\n"
    "  status TEXT);\n"           /* serving|released|paroled|medical_parole|transferred|died */
    SOURCE_KEY("prisoner")
    /* 社区矫正对象 */
    "CREATE TABLE cc_subject (" PROVENANCE
    "  subject_no TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  id_no TEXT,\n"
    "  unit_code TEXT,\n"          /* supervising justice office */
    "  region_code TEXT,\n"        /* permitted area (county) */
    "  correction_type TEXT,\n"    /* probation|parole|medical_parole|control */
    "  start_date DATE,\n"
    "  end_date DATE,\n"
    "  device_no TEXT,\n"
    "  monitoring_start_date DATE,\n" /* electronic location monitoring approved from ... */
    "  monitoring_end_date DATE,\n"   /* ... to (at most 3 months at a time) */
    "  status TEXT);\n"
    SOURCE_KEY("cc_subject")
    /* 请假审批 */
    "CREATE TABLE cc_leave (" PROVENANCE
    "  leave_no TEXT NOT NULL,\n"
    "  subject_no TEXT NOT NULL,\n"
    "  approved_at TIMESTAMP,\n"
    "  start_at TIMESTAMP NOT NULL,\n"
    "  end_at TIMESTAMP NOT NULL,\n"
    "  destination_region_code TEXT,\n"
    "  approver TEXT,\n"
    "  reason TEXT,\n"
    "  status TEXT,\n"             /* approved|refused|cancelled */
    "  returned_at TIMESTAMP);\n"
    SOURCE_KEY("cc_leave")
    /* 定位轨迹 */
    "CREATE TABLE cc_location (" PROVENANCE
    "  subject_no TEXT NOT NULL,\n"
    "  recorded_at TIMESTAMP NOT NULL,\n"
    "  lat REAL,\n"
    "  lon REAL,\n"
    "  region_code TEXT);\n"
    SOURCE_KEY("cc_location")
    "CREATE INDEX cc_location_subject ON cc_location(subject_no, recorded_at);\n";

/* Entities (link layer, 实体识别) and leads (detect layer, 线索). Defined here so that every
 * layer above the store - and `zhijian eval`, which scores both against the generator's
 * truth - shares one shape. A mention is one appearance of a person or enterprise in one
 * canonical record (an officer row, the legal representative of an enterprise row, a party
 * row ...); entity resolution assigns each mention an entity. */
static const char m0002_entities_and_leads[] =
    "CREATE TABLE entity (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"            /* person|enterprise */
    "  name TEXT,\n"                     /* display name (most frequent spelling) */
    "  id_no TEXT,\n"                    /* resident ID (18-digit) or USCC when known */
    "  created_at TIMESTAMP NOT NULL);\n"
    "CREATE TABLE mention (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  table_name TEXT NOT NULL,\n"      /* canonical table of the record */
    "  record_id INTEGER NOT NULL,\n"     /* its id */
    "  role TEXT NOT NULL,\n"            /* which person/enterprise of the record: self, legal_rep, person, enterprise, actor, ... */
    "  kind TEXT NOT NULL,\n"            /* person|enterprise */
    "  name TEXT,\n"
    "  id_no TEXT,\n"                    /* resident ID or USCC as written */
    "  birth_date DATE,\n"
    "  sex TEXT,\n"
    "  phone TEXT,\n"
    "  region_code TEXT,\n"
    "  entity_id INTEGER REFERENCES entity(id),\n"
    "  UNIQUE (table_name, record_id, role));\n"
    "CREATE INDEX mention_entity ON mention(entity_id);\n"
    /* A lead is about one subject record (the officer, the case, the subject ...). Its
     * fingerprint (detector code + what makes the finding that finding) is unique, so
     * re-running detection updates a lead instead of adding a second one. */
    "CREATE TABLE lead (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"            /* detector code, docs/domain.md section 3 */
    "  fingerprint TEXT NOT NULL UNIQUE,\n"
    "  subject_table TEXT NOT NULL,\n"
    "  subject_id INTEGER NOT NULL,\n"
    "  unit_code TEXT,\n"                /* unit responsible for verification */
    "  severity INTEGER NOT NULL,\n"     /* 1 low .. 4 critical */
    "  title TEXT NOT NULL,\n"
    "  explanation TEXT NOT NULL,\n"
    "  basis TEXT,\n"                    /* legal or policy basis cited */
    "  status TEXT NOT NULL,\n"          /* new|assigned|verifying|confirmed|dismissed|rectified */
    "  first_seen_at TIMESTAMP NOT NULL,\n"
    "  last_seen_at TIMESTAMP NOT NULL);\n"
    "CREATE INDEX lead_code ON lead(code);\n"
    "CREATE INDEX lead_subject ON lead(subject_table, subject_id);\n"
    "CREATE TABLE lead_evidence (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id) ON DELETE CASCADE,\n"
    "  table_name TEXT NOT NULL,\n"
    "  record_id INTEGER NOT NULL,\n"
    "  role TEXT,\n"                     /* what the record shows, e.g. officer, spouse, shareholding */
    "  note TEXT);\n"
    "CREATE INDEX lead_evidence_lead ON lead_evidence(lead_id);\n";

/* Entity resolution's own state (link layer). Mentions gain the normalized forms that
 * blocking and comparison use, so an incremental run need not recompute them for old ones. */
static const char m0003_linking[] =
    "ALTER TABLE mention ADD COLUMN name_norm TEXT;\n"     /* normalized, simplified name */
    "ALTER TABLE mention ADD COLUMN name_key TEXT;\n"      /* pinyin key, e.g. zhangwei */
    "ALTER TABLE mention ADD COLUMN id_status TEXT;\n"     /* valid|legacy|invalid|missing */
    "ALTER TABLE mention ADD COLUMN address TEXT;\n"
    /* the enterprise a person is named for (legal representative, shareholder, tax contact):
     * its credit code - two people of one name at one company are one person */
    "ALTER TABLE mention ADD COLUMN context TEXT;\n"
    "CREATE INDEX mention_id_no ON mention(id_no);\n"
    /* Evidence that does not add up: same ID with another birth date, sex or name. */
    "CREATE TABLE link_conflict (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  mention_id INTEGER NOT NULL REFERENCES mention(id),\n"
    "  other_mention_id INTEGER REFERENCES mention(id),\n"
    "  reason TEXT NOT NULL,\n"
    "  created_at TIMESTAMP NOT NULL,\n"
    "  UNIQUE (mention_id, other_mention_id, reason));\n"
    /* A reviewer's word on a pair: it wins over the model and survives re-runs. */
    "CREATE TABLE link_decision (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  mention_a INTEGER NOT NULL REFERENCES mention(id),\n"
    "  mention_b INTEGER NOT NULL REFERENCES mention(id),\n"
    "  decision TEXT NOT NULL,\n"          /* confirm|reject|unsure */
    "  reviewer TEXT NOT NULL,\n"
    "  note TEXT,\n"
    "  decided_at TIMESTAMP NOT NULL,\n"
    "  UNIQUE (mention_a, mention_b));\n"
    /* Fellegi-Sunter parameters as last estimated (EM), for explanations. */
    "CREATE TABLE link_param (\n"
    "  kind TEXT NOT NULL,\n"              /* person|enterprise */
    "  field TEXT NOT NULL,\n"
    "  level TEXT NOT NULL,\n"
    "  m REAL NOT NULL,\n"
    "  u REAL NOT NULL,\n"
    "  PRIMARY KEY (kind, field, level));\n"
    /* The links that formed each entity beyond equal trusted IDs (which explain themselves):
     * scored pairs and reviewers' confirmations. */
    "CREATE TABLE link_edge (\n"
    "  mention_a INTEGER NOT NULL,\n"
    "  mention_b INTEGER NOT NULL,\n"
    "  weight REAL,\n"
    "  reason TEXT NOT NULL,\n"            /* decision|score|closed (closed world, link.c) */
    "  PRIMARY KEY (mention_a, mention_b));\n"
    /* Relations graph for detectors: officer -> relative, person -> enterprise role,
     * party -> case. src and dst are entities, or dst a record (cases). */
    "CREATE TABLE relation (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"              /* relative|enterprise_role|case_party */
    "  src_entity INTEGER NOT NULL,\n"
    "  dst_entity INTEGER,\n"
    "  dst_table TEXT,\n"
    "  dst_record INTEGER,\n"
    "  role TEXT,\n"                       /* spouse|child|...; legal_rep|shareholder|...; plaintiff|... */
    "  share_pct REAL,\n"
    "  start_date DATE,\n"
    "  end_date DATE,\n"
    "  source_table TEXT NOT NULL,\n"
    "  source_record INTEGER NOT NULL);\n"
    /* Small facts the linker keeps between runs, e.g. the last import batch whose records
     * have been turned into mentions (so a re-run reads only what is new or changed). */
    "CREATE TABLE link_state (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  value INTEGER NOT NULL);\n"
    "CREATE INDEX relation_src ON relation(src_entity, kind);\n"
    "CREATE INDEX relation_dst ON relation(dst_entity, kind);\n"
    "CREATE INDEX relation_dst_record ON relation(dst_table, dst_record);\n";

/* The detect layer's bookkeeping (线索). A lead remembers the run that last produced it, so
 * `zhijian leads list` can tell a finding that is still there from one that a later full run
 * of its detector no longer produced (leads are never deleted: their review history stays).
 * Its content hash lets a re-run that finds the same thing write nothing but the run id. */
static const char m0004_detect[] =
    "ALTER TABLE lead ADD COLUMN path TEXT;\n"             /* officer -> spouse -> shareholder 30% of X */
    "ALTER TABLE lead ADD COLUMN last_run INTEGER;\n"      /* detect_run.id that last produced it */
    "ALTER TABLE lead ADD COLUMN content_hash INTEGER;\n"  /* of title, text, severity, evidence */
    /* One full run of one detector. */
    "CREATE TABLE detect_run (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  started_at TIMESTAMP NOT NULL,\n"   /* UTC */
    "  finished_at TIMESTAMP,\n"
    "  rules_digest TEXT,\n"               /* the detector's parameters as applied */
    "  found INTEGER NOT NULL DEFAULT 0,\n"
    "  inserted INTEGER NOT NULL DEFAULT 0,\n"
    "  updated INTEGER NOT NULL DEFAULT 0,\n"
    "  unchanged INTEGER NOT NULL DEFAULT 0,\n"
    "  seconds REAL);\n"
    "CREATE INDEX detect_run_code ON detect_run(code, id);\n"
    /* Analysis for leaders (分析研判): rates by agency, business area, region, position,
     * tenure and unit, recomputed after each detect run. */
    "CREATE TABLE lead_rate (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  measure TEXT NOT NULL,\n"           /* officers_with_leads|report_compliance|complaints */
    "  code TEXT NOT NULL,\n"              /* detector code, family (TV, TR ...) or '*' */
    "  dimension TEXT NOT NULL,\n"         /* agency|business_area|region|position|tenure|unit */
    "  value TEXT NOT NULL,\n"
    "  label TEXT,\n"
    "  numerator INTEGER NOT NULL,\n"
    "  denominator INTEGER NOT NULL,\n"
    "  rate REAL,\n"                        /* per 1,000 (leads) or per cent (compliance) */
    "  computed_at TIMESTAMP NOT NULL,\n"
    "  UNIQUE (measure, code, dimension, value));\n"
    /* lookups the detectors make: interference and complaints by case and by officer */
    "CREATE INDEX interference_record_case ON interference_record(case_no);\n"
    "CREATE INDEX complaint_officer ON complaint(target_officer_no);\n"
    "CREATE INDEX complaint_case ON complaint(case_no);\n"
    "CREATE INDEX lead_run ON lead(code, last_run);\n";

/* Linking at province scale: mention_id_no was read by nothing (linking holds every mention
 * in memory; detectors and views go through entity_id), yet a first link of 10M mentions spent
 * 15 s building it. */
static const char m0005_link_scale[] =
    "DROP INDEX IF EXISTS mention_id_no;\n";

/* The relations graph is walked from a person or enterprise (src_entity) by the detectors, and
 * from an enterprise to its people (dst_entity) by views; TV04 counts a court case's borrowers
 * through (dst_table, dst_record). Each of the last two indexes now covers only the relations
 * that have that destination (about half each: party -> case relations have no destination
 * entity, the others no destination record), which halves what a first link sorts for them. */
static const char m0006_relation_indexes[] =
    "DROP INDEX IF EXISTS relation_dst_record;\n"
    "DROP INDEX IF EXISTS relation_dst;\n"
    "CREATE INDEX relation_dst ON relation(dst_entity, kind) WHERE dst_entity IS NOT NULL;\n"
    "CREATE INDEX relation_dst_record ON relation(dst_table, dst_record)"
    " WHERE dst_table IS NOT NULL;\n";

/* Facts real exports carry that the model had no field for (issue 11), and `extra` on every
 * canonical table: a JSON object with the columns a mapping names that have no canonical field
 * (docs/mapping.md), so nothing an agency sent is lost and detectors can read it. */
static const char m0007_real_exports[] =
    "ALTER TABLE police_case ADD COLUMN revoke_reason TEXT;\n"            /* 撤案理由 */
    "ALTER TABLE procuratorate_case ADD COLUMN indictment_no TEXT;\n"    /* 起诉书号 */
    "ALTER TABLE procuratorate_case ADD COLUMN extension_days INTEGER;\n" /* 延长审查起诉天数 */
    "ALTER TABLE court_case ADD COLUMN extension_days INTEGER;\n"        /* 审限延长天数 */
    "ALTER TABLE sentence_change ADD COLUMN prev_reduction_date DATE;\n" /* 前次减刑裁定日期 */
    "ALTER TABLE unit ADD COLUMN extra TEXT;\n"
    "ALTER TABLE officer ADD COLUMN extra TEXT;\n"
    "ALTER TABLE officer_relative ADD COLUMN extra TEXT;\n"
    "ALTER TABLE person ADD COLUMN extra TEXT;\n"
    "ALTER TABLE enterprise ADD COLUMN extra TEXT;\n"
    "ALTER TABLE enterprise_role ADD COLUMN extra TEXT;\n"
    "ALTER TABLE tax_registration ADD COLUMN extra TEXT;\n"
    "ALTER TABLE incident ADD COLUMN extra TEXT;\n"
    "ALTER TABLE police_case ADD COLUMN extra TEXT;\n"
    "ALTER TABLE procuratorate_case ADD COLUMN extra TEXT;\n"
    "ALTER TABLE court_case ADD COLUMN extra TEXT;\n"
    "ALTER TABLE case_party ADD COLUMN extra TEXT;\n"
    "ALTER TABLE case_event ADD COLUMN extra TEXT;\n"
    "ALTER TABLE interference_record ADD COLUMN extra TEXT;\n"
    "ALTER TABLE complaint ADD COLUMN extra TEXT;\n"
    "ALTER TABLE sentence_change ADD COLUMN extra TEXT;\n"
    "ALTER TABLE prisoner ADD COLUMN extra TEXT;\n"
    "ALTER TABLE cc_subject ADD COLUMN extra TEXT;\n"
    "ALTER TABLE cc_leave ADD COLUMN extra TEXT;\n"
    "ALTER TABLE cc_location ADD COLUMN extra TEXT;\n";
/* The audit trail (全程留痕, src/work/audit.c; design in docs/audit.md). audit_entry is the
 * append-only log: id is the entry's position (leaf id - 1 of the Merkle tree), prev_hash and
 * hash chain the entries (hash is the RFC 6962 leaf hash of the entry, prev_hash included).
 * audit_node keeps the tree's complete subtrees of 64 leaves and more, so appends, proofs and
 * the head are O(log n). audit_head is the latest signed tree head (one row, re-signed by every
 * transaction that appends); audit_checkpoint the periodic and exported signed checkpoints;
 * audit_key the public keys (the signing key lives outside the store, docs/audit.md). */
static const char m0008_audit[] =
    "CREATE TABLE audit_entry (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TIMESTAMP NOT NULL,\n"
    "  user_id INTEGER NOT NULL,\n"
    "  username TEXT,\n"
    "  role TEXT NOT NULL,\n"
    "  unit_code TEXT,\n"
    "  session_id INTEGER NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  object_table TEXT,\n"
    "  object_id INTEGER NOT NULL,\n"
    "  before_hash TEXT,\n"
    "  after_hash TEXT,\n"
    "  detail TEXT,\n"
    "  prev_hash TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL);\n"
    "CREATE INDEX audit_entry_object ON audit_entry(object_table, object_id);\n"
    "CREATE TABLE audit_node (\n"
    "  level INTEGER NOT NULL,\n"
    "  idx INTEGER NOT NULL,\n"
    "  hash TEXT NOT NULL,\n"
    "  PRIMARY KEY (level, idx));\n"
    "CREATE TABLE audit_key (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  key_id TEXT NOT NULL UNIQUE,\n"
    "  public_key TEXT NOT NULL,\n"
    "  created_at TIMESTAMP NOT NULL);\n"
    "CREATE TABLE audit_head (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  tree_size INTEGER NOT NULL,\n"
    "  root_hash TEXT NOT NULL,\n"
    "  last_hash TEXT NOT NULL,\n"
    "  signed_at TIMESTAMP NOT NULL,\n"
    "  key_id TEXT NOT NULL,\n"
    "  signature TEXT NOT NULL);\n"
    "CREATE TABLE audit_checkpoint (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  tree_size INTEGER NOT NULL,\n"
    "  root_hash TEXT NOT NULL,\n"
    "  signed_at TIMESTAMP NOT NULL,\n"
    "  key_id TEXT NOT NULL,\n"
    "  signature TEXT NOT NULL);\n"
    "CREATE INDEX audit_checkpoint_size ON audit_checkpoint(tree_size);\n";

/* Users, sessions and API keys (work/users.c; roles and scope in work/policy.h). Secrets are
 * never stored: passwords as Argon2id strings (libsodium crypto_pwhash_str, salt and cost in
 * the string), session tokens and API keys as SHA-256 hex digests of the random values handed
 * out once. A user is never deleted (the audit trail names users): disabled_at ends access. */
static const char m0009_users[] =
    "CREATE TABLE app_user (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  username TEXT NOT NULL UNIQUE,\n"
    "  display_name TEXT,\n"
    "  role TEXT NOT NULL,\n"           /* work/actor.h: officer|filing_judge|...|admin */
    "  unit_code TEXT,\n"               /* scope: this unit's subtree; NULL: the province */
    "  officer_no TEXT,\n"              /* the user's own officer number (警号), if any */
    "  password_hash TEXT,\n"           /* Argon2id; NULL: no password login (service accounts) */
    "  failed_logins INTEGER NOT NULL DEFAULT 0,\n"   /* consecutive failures */
    "  locked_until TIMESTAMP,\n"       /* UTC; refused until then after repeated failures */
    "  created_at TIMESTAMP NOT NULL,\n"
    "  created_by TEXT,\n"
    "  password_changed_at TIMESTAMP,\n"
    "  last_login_at TIMESTAMP,\n"
    "  disabled_at TIMESTAMP);\n"
    "CREATE TABLE app_session (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES app_user(id),\n"
    "  token_hash TEXT NOT NULL UNIQUE,\n"  /* SHA-256 hex of the bearer token */
    "  created_at TIMESTAMP NOT NULL,\n"
    "  last_seen_at TIMESTAMP NOT NULL,\n"  /* idle expiry counts from here */
    "  expires_at TIMESTAMP NOT NULL,\n"    /* absolute expiry */
    "  revoked_at TIMESTAMP,\n"             /* logout, password change, disabling */
    "  client TEXT);\n"                     /* e.g. the remote address */
    "CREATE INDEX app_session_user ON app_session(user_id);\n"
    "CREATE TABLE api_key (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES app_user(id),\n"
    "  key_prefix TEXT NOT NULL,\n"         /* the first characters, to tell keys apart */
    "  key_hash TEXT NOT NULL UNIQUE,\n"    /* SHA-256 hex of the key */
    "  label TEXT,\n"
    "  created_at TIMESTAMP NOT NULL,\n"
    "  expires_at TIMESTAMP,\n"
    "  revoked_at TIMESTAMP,\n"
    "  last_used_at TIMESTAMP);\n"
    "CREATE INDEX api_key_user ON api_key(user_id);\n";

/* The work layer's lead workflow (线索处置, work/workflow.c) and the records officers file in
 * zhijian itself (自主填报, work/records.c).
 *
 * A lead's workflow state lives beside the lead, never in it: detection re-runs update the
 * lead's content and last_run but cannot reach a verdict. lead_action is the lead's history,
 * one row per step (assignments, verification, verdicts, rectification, comments,
 * attachments), appended and never updated; lead_workflow is its current state.
 *
 * Records filed in zhijian are canonical rows like imported ones (source_system 'zhijian'), so
 * the detectors read them unchanged; record_filing keeps who filed each one, from which
 * session, and which earlier record a correction replaces. A filed record is never edited. */
static const char m0010_workflow_and_records[] =
    "CREATE TABLE lead_workflow (\n"
    "  lead_id INTEGER PRIMARY KEY REFERENCES lead(id),\n"
    "  state TEXT NOT NULL,\n"             /* new|assigned|verifying|confirmed|dismissed|rectification|closed */
    "  unit_code TEXT,\n"                  /* unit charged with verification (承办单位) */
    "  assignee TEXT,\n"                   /* username of the person verifying (承办人) */
    "  deadline DATE,\n"                   /* verification deadline (核查期限) */
    "  rectify_deadline DATE,\n"           /* rectification deadline (整改期限) */
    "  verdict TEXT,\n"                    /* confirmed|dismissed, kept after rectification and closing */
    "  verdict_reason TEXT,\n"
    "  version INTEGER NOT NULL,\n"        /* actions so far; lead_action.seq of the latest */
    "  state_hash TEXT NOT NULL,\n"        /* hex SHA-256 of the state (the audit's after-hash) */
    "  updated_at TIMESTAMP NOT NULL);\n"  /* UTC */
    "CREATE INDEX lead_workflow_state ON lead_workflow(state);\n"
    "CREATE TABLE lead_action (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id),\n"
    "  seq INTEGER NOT NULL,\n"            /* 1, 2, ... per lead */
    "  action TEXT NOT NULL,\n"            /* assign|start|confirm|dismiss|rectify|close|reopen|comment|attach */
    "  from_state TEXT NOT NULL,\n"
    "  to_state TEXT NOT NULL,\n"
    "  user_id INTEGER NOT NULL,\n"        /* app_user.id (0: the store's owner at the command line) */
    "  username TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"
    "  session_id INTEGER NOT NULL,\n"     /* app_session.id, 0 for the command line */
    "  at TIMESTAMP NOT NULL,\n"           /* UTC */
    "  unit_code TEXT,\n"                  /* assign: the unit */
    "  assignee TEXT,\n"                   /* assign: the person */
    "  deadline DATE,\n"                   /* assign, reopen: verification; rectify: rectification */
    "  reason TEXT,\n"                     /* verdicts, closing, reopening */
    "  state_hash TEXT NOT NULL,\n"        /* lead_workflow.state_hash after the action */
    "  audit_id INTEGER,\n"                /* the audit entry recording it */
    "  UNIQUE (lead_id, seq));\n"
    "CREATE TABLE lead_comment (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id),\n"
    "  action_id INTEGER NOT NULL REFERENCES lead_action(id),\n"
    "  body TEXT NOT NULL);\n"
    "CREATE INDEX lead_comment_lead ON lead_comment(lead_id);\n"
    /* Files are stored once by content under the store's attachment folder. */
    "CREATE TABLE lead_attachment (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id),\n"
    "  action_id INTEGER NOT NULL REFERENCES lead_action(id),\n"
    "  sha256 TEXT NOT NULL,\n"            /* hex; the file is <folder>/<first 2>/<all 64> */
    "  name TEXT NOT NULL,\n"              /* file name as given (no directories) */
    "  size INTEGER NOT NULL);\n"
    "CREATE INDEX lead_attachment_lead ON lead_attachment(lead_id);\n"
    /* A correction names the record it replaces (same source system); the old one stays. */
    "ALTER TABLE interference_record ADD COLUMN corrects_record_no TEXT;\n"
    "CREATE INDEX interference_record_corrects ON interference_record(corrects_record_no)"
    " WHERE corrects_record_no IS NOT NULL;\n"
    /* 季度报告: a procuratorate unit's quarterly report on the three regulations. */
    "CREATE TABLE quarterly_report (" PROVENANCE
    "  report_no TEXT NOT NULL,\n"
    "  unit_code TEXT NOT NULL,\n"
    "  quarter TEXT NOT NULL,\n"           /* YYYY-Qn */
    "  record_count INTEGER NOT NULL,\n"   /* records (not zero reports) of the unit in the quarter */
    "  zero_report_count INTEGER NOT NULL,\n"
    "  officer_count INTEGER NOT NULL,\n"  /* officers who filed anything in the quarter */
    "  summary TEXT NOT NULL,\n"           /* the unit's own account (情况说明) */
    "  measures TEXT,\n"                   /* what the unit did about it (整改措施) */
    "  reported_at TIMESTAMP NOT NULL,\n"
    "  corrects_report_no TEXT);\n"
    SOURCE_KEY("quarterly_report")
    "CREATE INDEX quarterly_report_unit ON quarterly_report(unit_code, quarter);\n"
    "CREATE TABLE record_filing (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  table_name TEXT NOT NULL,\n"        /* interference_record|quarterly_report */
    "  record_id INTEGER NOT NULL,\n"
    "  record_no TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"              /* record|zero|quarterly */
    "  officer_no TEXT,\n"                 /* whose record (records and zero reports) */
    "  unit_code TEXT,\n"
    "  user_id INTEGER NOT NULL,\n"
    "  username TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"
    "  session_id INTEGER NOT NULL,\n"
    "  filed_at TIMESTAMP NOT NULL,\n"     /* UTC */
    "  corrects INTEGER REFERENCES record_filing(id),\n"
    "  correction_reason TEXT,\n"
    "  audit_id INTEGER,\n"
    "  UNIQUE (table_name, record_id));\n"
    "CREATE INDEX record_filing_corrects ON record_filing(corrects) WHERE corrects IS NOT NULL;\n"
    "CREATE INDEX record_filing_officer ON record_filing(officer_no);\n";

/* Leads carry their facts as fields (months, case numbers, amounts, dates, counts): a JSON
 * object written by each detector, so programs need not parse the explanation. */
static const char m0011_lead_facts[] =
    "ALTER TABLE lead ADD COLUMN facts TEXT;\n"
    /* A lead that rests on a link without an ID shows that link's weight: the links of a
     * mention are looked up from either end. */
    "CREATE INDEX link_edge_b ON link_edge(mention_b);\n";

/* Sentence-change cases handled online (减刑、假释、暂予监外执行网上办案): one row per step
 * of a case, the case being a sentence_change row, imported or entered online
 * (src/work/sentence.c, docs/data-standard.md). */
static const char m0012_sentence_steps[] =
    "CREATE TABLE sc_step (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  change_id INTEGER NOT NULL,\n"      /* sentence_change.id */
    "  change_no TEXT NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"            /* 1, 2, ... per case */
    "  step TEXT NOT NULL,\n"              /* application|review|notice|opinion|ruling|decision */
    "  outcome TEXT,\n"                    /* review: approved|rejected; opinion: agree|disagree;
                                              ruling, decision: granted|refused */
    "  note TEXT,\n"
    "  detail TEXT,\n"                     /* JSON: the step's fields */
    "  user_id INTEGER NOT NULL,\n"
    "  username TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"
    "  session_id INTEGER NOT NULL,\n"
    "  unit_code TEXT,\n"                  /* the actor's unit */
    "  at TIMESTAMP NOT NULL,\n"           /* local time of the step */
    "  state_hash TEXT NOT NULL,\n"        /* SHA-256 over the previous hash and this step */
    "  audit_id INTEGER,\n"
    "  UNIQUE (change_id, seq));\n"
    "CREATE INDEX sc_step_no ON sc_step(change_no);\n";

/* How the defendant met the claims (答辩情况), from the trial record: a judgment without a
 * contest is a sign of false litigation (法〔2021〕281号: 无实质对抗; FL01). */
static const char m0017_defence[] =
    "ALTER TABLE court_case ADD COLUMN defence TEXT;\n";   /* contested|no_answer|default|admitted */
/* Incremental detection (issue 13): a run records the reference day and the last import
 * batch it saw, so the next run knows which records are new and, when nothing else changed,
 * re-evaluates only the cases they touch; the changes it finds on leads already worked are
 * handed to the workflow, which closes untouched leads whose missing step arrived and tells
 * assignees of the others. The indexes serve both the case-flow anti-joins (each ledger's
 * numbers of the others' cases) and finding the cases a batch touches. */
static const char m0015_incremental_detect[] =
    "ALTER TABLE detect_run ADD COLUMN as_of DATE;\n"
    "ALTER TABLE detect_run ADD COLUMN batch_mark INTEGER;\n"   /* max(import_batch.id) seen */
    "ALTER TABLE detect_run ADD COLUMN scope TEXT;\n"           /* all|cases */
    "ALTER TABLE detect_run ADD COLUMN cases INTEGER;\n"        /* cases re-evaluated (scope cases) */
    "CREATE INDEX case_event_node ON case_event(case_system, node);\n"
    /* the nodes of one batch, without reading the others (the table is the largest) */
    "CREATE INDEX case_event_batch ON case_event(batch_id);\n"
    "CREATE INDEX case_event_approval ON case_event(approval_no) WHERE approval_no IS NOT NULL;\n"
    "CREATE INDEX incident_no ON incident(incident_no);\n"
    "CREATE INDEX incident_police_case ON incident(police_case_no);\n"
    "CREATE INDEX police_case_incident ON police_case(incident_no);\n"
    "CREATE INDEX police_case_procuratorate ON police_case(procuratorate_case_no);\n"
    "CREATE INDEX procuratorate_case_police ON procuratorate_case(police_case_no);\n"
    "CREATE INDEX procuratorate_case_court ON procuratorate_case(court_case_no);\n"
    "CREATE INDEX court_case_procuratorate ON court_case(procuratorate_case_no);\n"
    /* What a detect run changed on leads it re-evaluated because new records touched their
     * case: 'resolved' (no longer found) or 'event' (found again, its case has news), with the
     * record that caused it. The workflow reads it (work/workflow.c). */
    "CREATE TABLE lead_change (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  run_id INTEGER NOT NULL REFERENCES detect_run(id),\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id),\n"
    "  change TEXT NOT NULL,\n"           /* resolved|event */
    "  cause_table TEXT NOT NULL,\n"      /* the new record: incident|police_case|...|case_event */
    "  cause_id INTEGER NOT NULL,\n"
    "  cause_batch INTEGER NOT NULL,\n"   /* its import_batch.id */
    "  cause_note TEXT);\n"               /* its case number, or the event's node */
    "CREATE INDEX lead_change_lead ON lead_change(lead_id);\n"
    /* Notices to a lead's assignee of what happened to it without them (a new event on the
     * case); read_at NULL while unread. */
    "CREATE TABLE lead_notice (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  lead_id INTEGER NOT NULL REFERENCES lead(id),\n"
    "  username TEXT NOT NULL,\n"
    "  action_id INTEGER NOT NULL REFERENCES lead_action(id),\n"
    "  created_at TIMESTAMP NOT NULL,\n"  /* UTC */
    "  read_at TIMESTAMP);\n"
    "CREATE INDEX lead_notice_user ON lead_notice(username, read_at);\n"
    /* How far the workflow has read lead_change. */
    "CREATE TABLE workflow_cursor (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  last_id INTEGER NOT NULL);\n";
/* Case flow read narrowly (issue 13): evaluating every case, CF01 reads the criminal and
 * public-security incidents and CF06 and CF08 every court case, each for a few short columns
 * of wide rows (summaries, places, claims). These covering indexes hold just those columns, so
 * the scans read a seventh (incidents) and a third (court cases) of the pages and none of the
 * rows; the incident one is partial, as CF01 reads no other category, and so is the one on
 * the police cases CF05 follows, the transferred ones. The clock nodes CF02 and
 * CF06 read (extensions, restarts, suspensions: about 1.5% of all nodes) get a partial index
 * of their own in the order the clock wants them, instead of a row look-up each. */
static const char m0016_case_flow_reads[] =
    "CREATE INDEX incident_flow ON incident(category, disposition, received_at, incident_no,"
    " police_case_no) WHERE category IN ('criminal', 'public_security');\n"
    "CREATE INDEX court_case_flow ON court_case(filed_at, closed_at, case_type, procedure,"
    " extension_days, case_no);\n"
    "CREATE INDEX police_case_transfer ON police_case(transferred_at, case_no,"
    " procuratorate_case_no) WHERE transferred_at IS NOT NULL;\n"
    "CREATE INDEX case_event_clock ON case_event(case_system, case_no, occurred_at, node, id,"
    " days, months) WHERE node IN ('extension', 'resubmitted', 'suspension', 'resumption',"
    " 'postponed');\n";
/* Reads without the answer cache: a page of the lead list walks every lead in the caller's
 * scope for the total and the order, from this index alone (the rows of the page are then
 * read by id); the cockpit's statistics by dimension use the second (before: the whole
 * lead_rate table, sorted, per request). */
static const char m0019_read_indexes[] =
    "CREATE INDEX lead_list ON lead(severity DESC, code, id, unit_code, status, last_run);\n"
    "CREATE INDEX lead_rate_dimension ON lead_rate(dimension, measure, code, value);\n";
/* Community correction's geography (issue 15): the regions with their boundaries, and the
 * location points in time order. region.boundary is a Polygon or MultiPolygon as WKT in
 * WGS-84 (text/geo.h; a mapping converts WKT, GeoJSON and GCJ-02 on import), so the permitted
 * area of a subject (cc_subject.region_code) and a leave's destination are polygons, and the
 * web app can draw them. cc_location_time is a covering index: the trajectory detectors stream
 * every point in time order from it alone, a compact copy read front to back (no look-up of
 * the provenance-carrying rows), so their memory is bounded by the subjects, not the points. */
static const char m0013_cc_geography[] =
    "CREATE TABLE region (" PROVENANCE
    "  region_code TEXT NOT NULL,\n"   /* GB/T 2260, six digits */
    "  name TEXT NOT NULL,\n"
    "  level TEXT,\n"                  /* province|city|county */
    "  parent_code TEXT,\n"
    "  boundary TEXT,\n"               /* WKT Polygon/MultiPolygon, WGS-84 */
    "  extra TEXT);\n"
    SOURCE_KEY("region")
    "CREATE INDEX region_code ON region(region_code);\n"
    "CREATE INDEX cc_location_time ON cc_location(recorded_at, subject_no, lat, lon);\n"
    "CREATE INDEX cc_leave_subject ON cc_leave(subject_no);\n";

/* A person's address history (issue 12): the population register's 何时由何地迁来本址, the
 * address the person lived at before moving to the current one. People move; a court party
 * who gives a former home is still that person, and the register is where the move is
 * recorded (link/compare.h: the address field compares every address a mention knows). */
static const char m0014_former_address[] =
    "ALTER TABLE person ADD COLUMN former_address TEXT;\n";

/* Community correction at 50M points (issue 15): cc_location_subject (subject, time) is read by
 * nothing - the detectors stream every point in time order from cc_location_time, and evidence
 * is found by id - yet it was a fifth of the time a bulk load of the points spent on indexes
 * (5.7 of 27 CPU seconds for 6.3M points). An index a bulk load left pending goes with it. */
static const char m0018_cc_location_subject[] =
    "DROP INDEX IF EXISTS cc_location_subject;\n"
    "DELETE FROM store_pending_index WHERE name = 'cc_location_subject';\n";

static const zj_migration migrations[] = {
    {1, "canonical model", m0001_canonical_model},
    {2, "entities and leads", m0002_entities_and_leads},
    {3, "linking", m0003_linking},
    {4, "detect", m0004_detect},
    {5, "link at scale", m0005_link_scale},
    {6, "relation indexes", m0006_relation_indexes},
    {7, "real exports", m0007_real_exports},
    {8, "audit trail", m0008_audit},
    {9, "users", m0009_users},
    {10, "lead workflow and filed records", m0010_workflow_and_records},
    {11, "lead facts", m0011_lead_facts},
    {12, "sentence-change steps", m0012_sentence_steps},
    {13, "community-correction geography", m0013_cc_geography},
    {14, "former addresses", m0014_former_address},
    {15, "incremental detection", m0015_incremental_detect},
    {16, "case-flow reads", m0016_case_flow_reads},
    {17, "court case defence", m0017_defence},
    {18, "no subject index on location points", m0018_cc_location_subject},
    {19, "read indexes", m0019_read_indexes},
};

const zj_migration *zj_migrations(size_t *n)
{
    *n = sizeof migrations / sizeof migrations[0];
    return migrations;
}
