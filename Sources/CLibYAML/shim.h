#ifndef PORTDOC_CLIBYAML_SHIM_H
#define PORTDOC_CLIBYAML_SHIM_H
/* Debian's libyaml-dev: the same C parser Yams bundles (0.2.5), linked from the system so that
   the portdoc program does not link Yams' Swift module, which links all of Foundation. */
#include <yaml.h>
#endif
