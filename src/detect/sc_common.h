/* sc_common.h - helpers the sentence-change detectors (SC01-SC04) share. */
#ifndef ZJ_DETECT_SC_COMMON_H
#define ZJ_DETECT_SC_COMMON_H

/* The day `months` calendar months after day number `day` (the same day of the month, or the
 * month's last day when it has none): the day a waiting time of `months` is served. */
long zj_add_months(long day, int months);

#endif
