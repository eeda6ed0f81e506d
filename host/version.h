/* version.h — `attain --version`: the program's version (CMake's project VERSION) and the
 * versions of the libraries it is linked with, as the libraries report them at run time
 * where they can (a shared library may be newer than the headers it was built with). */
#ifndef ATTAIN_VERSION_H
#define ATTAIN_VERSION_H

#include <stdio.h>

/* "0.1.0" */
const char *version_attain(void);

/* Writes "attain VERSION", then one "LIBRARY VERSION" line per linked library. */
void version_print(FILE *to);

#endif
