#ifndef CLIBCSV_H
#define CLIBCSV_H
#include <csv.h>

/// A space predicate that never reports a space: libcsv then keeps leading and trailing
/// blanks of unquoted fields instead of trimming them, so a pass-through is faithful.
int prepline_csv_no_space(unsigned char c);

#endif
