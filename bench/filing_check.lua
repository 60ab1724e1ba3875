-- filing_check.lua - wrk script for `make bench` (section http): a filing judge checking one
-- proposed private-lending case (POST /api/v1/filing-checks); the bearer token comes with -H.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"case_type":"民初","cause":"民间借贷纠纷","claim_amount":200000,' ..
   '"parties":[{"role":"原告","name":"张三","id_no":"610113198001011234"},' ..
   '{"role":"被告","name":"西安某某商贸有限公司"}]}'
