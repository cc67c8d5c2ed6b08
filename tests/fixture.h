/* fixture: canned answers and evidence for the checks' unit tests. */
#ifndef ZH_FIXTURE_H
#define ZH_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "evidence.h"

/* ip:53 */
struct addr fx_addr(const char *ip);
/* An answer: QR, rcode, AA as given, no records. */
ldns_pkt *fx_pkt(ldns_pkt_rcode, bool aa);
/* Adds a record in zone-file text to a section. */
void fx_rr(ldns_pkt *, ldns_pkt_section, const char *text);
/* An AA NOERROR answer with zone's SOA at serial. */
ldns_pkt *fx_soa(const char *zone, uint32_t serial);
/* An AA NOERROR answer with zone's NS set: names, NULL-terminated. */
ldns_pkt *fx_ns(const char *zone, const char *const *names);

/* A walk that found the zone delegated by parent. */
struct evidence *fx_evidence(const char *zone, const char *parent);
/* Records a probe; pkt (taken) may be NULL; with status QUERY_OK and no
 * pkt, a fitting healthy answer is made (SOA serial 1, or empty). */
struct ev_query *fx_probe(struct evidence *, size_t si, const char *ip, enum probe,
    enum query_status, ldns_pkt *pkt);
/* A glued server (both NS sets) with one address whose SOA/UDP, SOA/TCP
 * and DNSKEY probes end as given. */
size_t fx_server(struct evidence *, const char *name, const char *ip,
    enum query_status udp, enum query_status tcp, enum query_status dnskey);
/* A glued server whose SOA probes all get pkt (copied); NS probe gets ns
 * (taken, may be NULL for none). */
size_t fx_server_answering(struct evidence *, const char *name, const char *ip,
    const ldns_pkt *soa, ldns_pkt *ns);

#endif
