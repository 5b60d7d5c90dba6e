#ifndef PORTDOC_CLIBXML2_SHIM_H
#define PORTDOC_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; seeing ICU's UErrorCode through both Foundation and libxml2
   breaks clean debug builds ("'UErrorCode' has different definitions"). We use no ICU API. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/hash.h>
#include <libxml/xmlerror.h>
#include <libxml/catalog.h>
#include <libxml/xmlIO.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#endif
