#include "CZlib.h"
/* The wrappers are static inline in the header; this file only gives SwiftPM a C source to build. */
