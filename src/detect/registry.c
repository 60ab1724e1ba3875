/* registry.c - the one table of detectors (docs/domain.md section 3, in catalog order).
 *
 * Adding a detector: write its file (one per code or per family) exporting a
 * `const zj_detector zj_detector_XXnn`, declare it below, add one line to the table and the
 * file to meson.build. Nothing else changes: the rules loader, `zhijian detect` and
 * `zhijian leads` find it here.
 */
#include <strings.h>

#include "detect/detect.h"

extern const zj_detector zj_detector_tv01, zj_detector_tv02, zj_detector_tv03,
    zj_detector_tv04, zj_detector_tr01, zj_detector_tr02, zj_detector_tr03, zj_detector_tr04,
    zj_detector_tr05, zj_detector_cp01, zj_detector_cf01, zj_detector_cf02, zj_detector_cf03,
    zj_detector_cf04, zj_detector_cf05,
    zj_detector_cf06, zj_detector_cf07, zj_detector_cf08, zj_detector_pn01,
    zj_detector_pn02, zj_detector_pn03, zj_detector_sc01, zj_detector_sc02,
    zj_detector_sc03, zj_detector_sc04, zj_detector_cc01, zj_detector_cc02,
    zj_detector_cc03, zj_detector_fl01, zj_detector_fl02, zj_detector_fl03,
    zj_detector_fl04;

static const zj_detector *const registry[] = {
    &zj_detector_tv01,   /* 违规经商办企业 */
    &zj_detector_tv02,   /* 配偶子女及其配偶违规从事经营活动 */
    &zj_detector_tv03,   /* 利益冲突 */
    &zj_detector_tv04,   /* 违规借贷 */
    &zj_detector_tr01,   /* “三个规定”记录或零报告缺报 */
    &zj_detector_tr02,   /* “三个规定”报告逾期 */
    &zj_detector_tr03,   /* 同一人跨干警、跨案件干预 */
    &zj_detector_tr04,   /* 有干预记录且结果异常的案件 */
    &zj_detector_tr05,   /* 公安案件未填报“三个规定”即流转 */
    &zj_detector_cp01,   /* 投诉举报 */
    &zj_detector_cf01,   /* 有案不立 */
    &zj_detector_cf02,   /* 受案不核 */
    &zj_detector_cf03,   /* 压案不查 */
    &zj_detector_cf04,   /* 有罪不究 */
    &zj_detector_cf05,   /* 未录入 */
    &zj_detector_cf06,   /* 超过法定期限 */
    &zj_detector_cf07,   /* 违规互借时间 */
    &zj_detector_cf08,   /* 案件时间逻辑矛盾 */
    &zj_detector_pn01,   /* 审限预警、到期警示与超期督办 */
    &zj_detector_pn02,   /* 必经流程节点缺失 */
    &zj_detector_pn03,   /* 流程节点顺序颠倒 */
    &zj_detector_sc01,   /* 减刑、假释违反法定限制 */
    &zj_detector_sc02,   /* 从严类别罪犯减刑、假释未从严 */
    &zj_detector_sc03,   /* 保外就医未按期病情复查 */
    &zj_detector_sc04,   /* 疑似纸面服刑 */
    &zj_detector_cc01,   /* 社区矫正对象未经批准离开执行地 */
    &zj_detector_cc02,   /* 电子定位信号中断超时 */
    &zj_detector_cc03,   /* 社区矫正对象之间聚集接触 */
    &zj_detector_fl01,   /* 虚假诉讼风险 */
    &zj_detector_fl02,   /* 滥诉 */
    &zj_detector_fl03,   /* 涉众型案件 */
    &zj_detector_fl04,   /* 可能影响立案 */
};

size_t zj_detectors(const zj_detector *const **out)
{
    *out = registry;
    return sizeof registry / sizeof registry[0];
}

const zj_detector *zj_detector_find(const char *code)
{
    for (size_t i = 0; code && i < sizeof registry / sizeof registry[0]; i++)
        if (!strcasecmp(registry[i]->code, code))
            return registry[i];
    return NULL;
}
