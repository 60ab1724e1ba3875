/* make_csv.c - write a synthetic court-case ledger CSV of N rows for the import benchmark.
 *
 *   make_csv ROWS > cases.csv
 * Deterministic (fixed-seed xorshift), ~140 bytes a row: case number, court code, case type,
 * cause (Chinese), filing date, closing timestamp, amount, judge, status. 1 in 4 causes is
 * quoted with an embedded comma, so the parser's quoted path is exercised too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: make_csv ROWS\n", stderr);
        return 2;
    }
    long long rows = atoll(argv[1]);
    static const char *const types[] = {"民事一审", "民事二审", "刑事一审", "执行实施"};
    static const char *const causes[] = {"民间借贷纠纷", "买卖合同纠纷", "离婚纠纷", "劳动争议",
                                         "\"机动车交通事故责任纠纷,含保险\"", "盗窃罪", "诈骗罪",
                                         "\"借款合同纠纷,担保\""};
    static const char *const status[] = {"已结", "在办"};
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    puts("案号,法院代码,案件类型,案由,立案日期,结案时间,标的额(元),承办法官,状态");
    for (long long i = 0; i < rows; i++) {
        uint64_t r = next();
        int year = 2015 + (int)(r % 8), month = 1 + (int)((r >> 8) % 12);
        int day = 1 + (int)((r >> 16) % 28);
        int county = 1 + (int)((r >> 24) % 30);
        printf("（%d）陕01%02d民初%lld号,J6101%02d00,%s,%s,%d-%02d-%02d,%d-%02d-%02d %02d:%02d:%02d,"
               "%" PRIu64 ".%02d,F%06d,%s\n",
               year, county, i + 1, county, types[(r >> 32) % 4], causes[(r >> 35) % 8], year,
               month, day, year + 1, 1 + (int)((r >> 40) % 12), 1 + (int)((r >> 44) % 28),
               (int)((r >> 48) % 24), (int)((r >> 52) % 60), (int)((r >> 56) % 60),
               (r >> 20) % 10000000, (int)(r % 100), (int)((r >> 12) % 5000),
               status[(r >> 60) & 1]);
    }
    return fflush(stdout) ? 1 : 0;
}
