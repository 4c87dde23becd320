#include "CLibCSV.h"

int prepline_csv_no_space(unsigned char c) {
    (void)c;
    return 0;
}
