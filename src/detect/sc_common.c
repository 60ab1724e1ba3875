/* sc_common.c - helpers the sentence-change detectors (SC01-SC04) share. */
#include <stdlib.h>

#include "detect/common.h"
#include "detect/sc_common.h"
#include "text/date.h"

long zj_add_months(long day, int months)
{
    char s[11];
    zj_day_format(day, s);
    int y = atoi(s), m = atoi(s + 5) - 1 + months, d = atoi(s + 8);
    y += m >= 0 ? m / 12 : -((11 - m) / 12);
    m = ((m % 12) + 12) % 12 + 1;
    while (d > 28 && !zj_date_valid(y, m, d))
        d--;
    return zj_days_from_civil(y, m, d);
}
