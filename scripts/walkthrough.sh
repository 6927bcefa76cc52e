#!/usr/bin/env bash
# The whole journey with curl against `make run`, using the demo logins: the applicant of
# 广州越秀示范贸易有限公司 (13800000002) asks to leave the abnormal-operation list; 陈承办
# (13900000007) of the 北京街 office accepts, verifies and reviews; 何审批 (13900000008)
# approves; the public record changes and the decision can be verified.
#   usage: scripts/walkthrough.sh [http://127.0.0.1:8000]
set -euo pipefail
G="${1:-http://127.0.0.1:8000}/api/v1"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
post() { curl -sf -X POST "$G$1" -H 'Content-Type: application/json' "${@:2}"; }
code_for() {  # ask for a code, read it from the development SMS sink
  post "/$1/auth/code" -d "{\"phone\":\"$2\"}" >/dev/null
  sleep 0.5
  curl -sf "$G/dev/sms?phone=$2" | json "__import__('re').search(r'验证码为 (\d{6})', d['items'][0]['body']).group(1)"
}
login() { post "/$1/auth/login" -d "{\"phone\":\"$2\",\"code\":\"$(code_for "$1" "$2")\"}" | json "d['access_token']"; }

echo "1. the applicant logs in, reads the guide, confirms the subject"
A="Authorization: Bearer $(login applicant 13800000002)"
post /applicant/guides/abnormal_operation_list/acknowledgement -H "$A" -d '{"version":1}' >/dev/null
USCC=$(curl -sf -H "$A" "$G/applicant/subjects" | json "d['items'][0]['uscc']")
post /applicant/subjects -H "$A" -d "{\"subject_code\":\"$USCC\",\"legal_notice_version\":1}" >/dev/null
RECORD=$(curl -sf -H "$A" "$G/applicant/subjects/$USCC/records?type=abnormal_operation_list" \
  | json "[i['record']['id'] for i in d['items'] if i['eligibility']['eligible']][0]")
echo "   subject $USCC, eligible record $RECORD"

echo "2. a draft, three materials, submission"
APP=$(post /applicant/applications -H "$A" -d "{\"subject_code\":\"$USCC\",\"record_type\":\"abnormal_operation_list\",\"record_ids\":[\"$RECORD\"],\"contact_name\":\"李示范\",\"contact_phone\":\"13800000002\"}" | json "d['id']")
PDF=$(mktemp --suffix=.pdf); printf '%%PDF-1.4\n%%%%EOF\n' > "$PDF"
for kind in application_form commitment correction_proof; do
  curl -sf -H "$A" -F "kind=$kind" -F "file=@$PDF;type=application/pdf" "$G/applicant/applications/$APP/materials" >/dev/null
done
NUMBER=$(post "/applicant/applications/$APP/submit" -H "$A" -H "Idempotency-Key: walkthrough-$APP" | json "d['acceptance_number']")
echo "   acceptance number $NUMBER"

echo "3. the officer accepts, verifies and reviews; the approver approves; the handler closes"
H="Authorization: Bearer $(login officer 13900000007)"
sleep 2  # the case travels through the outbox to workflow
V=$(curl -sf -H "$H" "$G/officer/cases/$NUMBER" | json "d['case']['version']")
act() { post "/officer/cases/$NUMBER/actions" -H "$1" -d "$2" | json "d['version']"; }
V=$(act "$H" "{\"action\":\"accept\",\"version\":$V}")
V=$(act "$H" "{\"action\":\"verify\",\"version\":$V,\"opinion\":\"已补报年度报告\"}")
V=$(act "$H" "{\"action\":\"review\",\"version\":$V,\"opinion\":\"同意\"}")
P="Authorization: Bearer $(login officer 13900000008)"
V=$(act "$P" "{\"action\":\"approve\",\"version\":$V,\"opinion\":\"准予移出经营异常名录\"}")
act "$H" "{\"action\":\"close\",\"version\":$V}" >/dev/null

echo "4. the public record, the applicant's status, the decision and its verification"
sleep 2
curl -sf "$G/public/subjects/$USCC" | json "[(r['record_type_label'], r['publicity_state_label']) for r in d['records']]"
curl -sf -H "$A" "$G/applicant/applications/$APP" | json "d['status_label']"
DOC=$(curl -sf -H "$A" "$G/applicant/applications/$APP/documents" | json "[x for x in d['items'] if x['kind'] == 'repair_decision'][0]")
echo "   $DOC"
CODE=$(echo "$DOC" | python3 -c "import ast,sys; print(ast.literal_eval(sys.stdin.read())['verification_code'])")
curl -sf "$G/public/documents/verify?code=$CODE"; echo
