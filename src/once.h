/* once: --once: every zone run once, diagnoses printed, exit by severity. */
#ifndef ZH_ONCE_H
#define ZH_ONCE_H

struct options;

/* Returns 0 all ok, 1 worst is warning, 2 worst is critical, 3 when a zone
 * could not be judged, or EXIT_CONFIG. */
int once_main(const struct options *);

#endif
