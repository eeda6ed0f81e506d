/* import_record.c — record schemas, validation and storing (see import_record.h).
 *
 * A schema field names where its converted value goes (an offset into import_record), so
 * validation is one loop for every type and nothing reads a field by position. */
#include "import_record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "isotime.h"
#include "policy_schema.h"

enum field_kind {
  F_ID,          /* non-empty string -> const char * (NULL when absent) */
  F_TEXT,        /* string -> store_opt_text */
  F_TIME,        /* ISO 8601 time or date -> int64_t (STORE_NO_TIME when absent) */
  F_TIME_OR_NULL, /* ... or null -> int64_t (STORE_NO_TIME for null or absent) */
  F_OPT_TIME,    /* time or null -> store_opt_time (absent: keep the stored value) */
  F_PERIOD,      /* "YYYY-MM" -> int month index */
  F_AMOUNT,      /* number from 0 to IMPORT_MAX_VALUE -> double */
  F_COUNT,       /* integer from 1 to 1000000 -> int64_t */
  F_KIND,        /* achievement kind -> const char * */
  F_LEVEL,       /* silver | gold -> const char * */
};

typedef struct field {
  const char *name;
  enum field_kind kind;
  int required;
  size_t offset; /* into import_record */
} field;

#define AT(member) offsetof(import_record, as.member)
#define MAX_FIELDS 9

static const char *const type_names[IMPORT_TYPE_COUNT_] = {
    "org", "user", "msa_link", "achievement", "metric", "override", "membership"};

static const field schemas[IMPORT_TYPE_COUNT_][MAX_FIELDS] = {
    [IMPORT_ORG] = {{"id", F_ID, 1, AT(org.id)}, {"name", F_TEXT, 0, AT(org.name)}},
    [IMPORT_USER] = {{"id", F_ID, 1, AT(user.key)},
                     {"org", F_ID, 0, AT(user.org)},
                     {"name", F_TEXT, 0, AT(user.name)},
                     {"joined", F_OPT_TIME, 0, AT(user.joined)},
                     {"left", F_OPT_TIME, 0, AT(user.left)},
                     {"known", F_TIME, 0, AT(user.known)}},
    [IMPORT_LINK] = {{"msa", F_ID, 1, AT(link.msa)},
                     {"user", F_ID, 1, AT(link.user)},
                     {"at", F_TIME, 1, AT(link.at)},
                     {"known", F_TIME, 0, AT(link.known)}},
    [IMPORT_ACHIEVEMENT] = {{"msa", F_ID, 1, AT(achievement.msa)},
                            {"code", F_ID, 1, AT(achievement.code)},
                            {"kind", F_KIND, 1, AT(achievement.kind)},
                            {"earned", F_TIME, 1, AT(achievement.earned)},
                            {"expires", F_TIME_OR_NULL, 0, AT(achievement.expires)},
                            {"known", F_TIME, 0, AT(achievement.known)}},
    [IMPORT_METRIC] = {{"org", F_ID, 1, AT(metric.org)},
                       {"metric", F_ID, 1, AT(metric.metric)},
                       {"period", F_PERIOD, 1, AT(metric.period)},
                       {"value", F_AMOUNT, 1, AT(metric.value)}},
    [IMPORT_OVERRIDE] = {{"org", F_ID, 1, AT(override.org)},
                         {"competency", F_ID, 1, AT(override.competency)},
                         {"code", F_ID, 1, AT(override.code)},
                         {"people", F_COUNT, 1, AT(override.people)},
                         {"reason", F_ID, 1, AT(override.reason)},
                         {"by", F_ID, 1, AT(override.by)},
                         {"from", F_TIME_OR_NULL, 0, AT(override.from)},
                         {"until", F_TIME, 1, AT(override.until)},
                         {"known", F_TIME, 0, AT(override.known)}},
    [IMPORT_MEMBERSHIP] = {{"org", F_ID, 1, AT(membership.org)},
                           {"competency", F_ID, 1, AT(membership.competency)},
                           {"level", F_LEVEL, 1, AT(membership.level)},
                           {"bought", F_TIME, 1, AT(membership.bought)},
                           {"by", F_ID, 0, AT(membership.by)}},
};

static const field *field_of(enum import_type t, const char *name) {
  for (int i = 0; i < MAX_FIELDS && schemas[t][i].name; i++)
    if (strcmp(schemas[t][i].name, name) == 0) return &schemas[t][i];
  return NULL;
}

static const char *json_kind(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

/* "got \"value\"" for a string, "got a number" otherwise. */
static void got(char *b, size_t n, const json_t *v) {
  if (json_is_string(v))
    snprintf(b, n, "\"%.60s\"", json_string_value(v));
  else
    snprintf(b, n, "%s", json_kind(v));
}

/* Every field starts absent: NULL strings, STORE_NO_TIME times, not-present options. */
static void defaults(import_record *r) {
  for (int i = 0; i < MAX_FIELDS && schemas[r->type][i].name; i++) {
    const field *f = &schemas[r->type][i];
    char *at = (char *)r + f->offset;
    if (f->kind == F_TIME || f->kind == F_TIME_OR_NULL) *(int64_t *)at = STORE_NO_TIME;
  }
}

static int convert(const char *tn, const field *f, json_t *v, import_record *r, char *why,
                   size_t whysz) {
  char *at = (char *)r + f->offset;
  char g[80];
  got(g, sizeof g, v);
  switch (f->kind) {
  case F_ID:
  case F_TEXT:
  case F_KIND:
  case F_LEVEL: {
    if (!json_is_string(v)) {
      snprintf(why, whysz, "%s: field \"%s\" must be a string, got %s", tn, f->name, json_kind(v));
      return -1;
    }
    const char *s = json_string_value(v);
    if (f->kind != F_TEXT && !*s) {
      snprintf(why, whysz, "%s: field \"%s\" must not be empty", tn, f->name);
      return -1;
    }
    if (json_string_length(v) > IMPORT_MAX_TEXT || strlen(s) != json_string_length(v)) {
      snprintf(why, whysz, "%s: field \"%s\" is longer than %d bytes or holds a NUL", tn,
               f->name, IMPORT_MAX_TEXT);
      return -1;
    }
    if (f->kind == F_LEVEL && strcmp(s, "silver") != 0 && strcmp(s, "gold") != 0) {
      snprintf(why, whysz, "%s: field \"level\" must be \"silver\" or \"gold\", got %s", tn, g);
      return -1;
    }
    if (f->kind == F_KIND && strcmp(s, "certification") != 0 && strcmp(s, "exam") != 0 &&
        strcmp(s, "assessment") != 0) {
      snprintf(why, whysz,
               "%s: field \"kind\" must be \"certification\", \"exam\" or \"assessment\", got %s",
               tn, g);
      return -1;
    }
    if (f->kind == F_TEXT)
      *(store_opt_text *)at = (store_opt_text){1, s};
    else
      *(const char **)at = s;
    return 0;
  }
  case F_TIME:
  case F_TIME_OR_NULL:
  case F_OPT_TIME: {
    int64_t t = STORE_NO_TIME;
    int nullable = f->kind != F_TIME;
    if (!(json_is_null(v) && nullable) &&
        (!json_is_string(v) || isotime_parse(json_string_value(v), &t) != 0)) {
      snprintf(why, whysz,
               "%s: field \"%s\" must be an ISO 8601 time (YYYY-MM-DD or "
               "YYYY-MM-DDTHH:MM:SSZ)%s, got %s",
               tn, f->name, nullable ? " or null" : "", g);
      return -1;
    }
    if (f->kind == F_OPT_TIME)
      *(store_opt_time *)at = (store_opt_time){1, t};
    else
      *(int64_t *)at = t;
    return 0;
  }
  case F_PERIOD:
    if (!json_is_string(v) || isotime_parse_period(json_string_value(v), (int *)at) != 0) {
      snprintf(why, whysz, "%s: field \"%s\" must be a month \"YYYY-MM\", got %s", tn, f->name, g);
      return -1;
    }
    return 0;
  case F_AMOUNT: {
    if (!json_is_number(v)) {
      snprintf(why, whysz, "%s: field \"%s\" must be a number, got %s", tn, f->name, json_kind(v));
      return -1;
    }
    double d = json_number_value(v);
    if (!(d >= 0) || !isfinite(d)) {
      snprintf(why, whysz, "%s: field \"%s\" must not be negative, got %g", tn, f->name, d);
      return -1;
    }
    /* Sums over windows of up to 120 months stay exact and finite. */
    if (d > IMPORT_MAX_VALUE) {
      snprintf(why, whysz, "%s: field \"%s\" must be at most %.0f, got %g", tn, f->name,
               IMPORT_MAX_VALUE, d);
      return -1;
    }
    *(double *)at = d;
    return 0;
  }
  case F_COUNT:
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000) {
      snprintf(why, whysz, "%s: field \"%s\" must be a whole number from 1 to 1000000", tn,
               f->name);
      return -1;
    }
    *(int64_t *)at = (int64_t)json_integer_value(v);
    return 0;
  }
  return -1;
}

int import_record_parse(json_t *obj, import_record *r, char *why, size_t whysz) {
  if (!json_is_object(obj)) {
    snprintf(why, whysz, "a record must be a JSON object, got %s", json_kind(obj));
    return -1;
  }
  json_t *type = json_object_get(obj, "type");
  if (!type) {
    snprintf(why, whysz, "missing field \"type\"");
    return -1;
  }
  if (!json_is_string(type)) {
    snprintf(why, whysz, "field \"type\" must be a string, got %s", json_kind(type));
    return -1;
  }
  const char *tn = json_string_value(type);
  int t = 0;
  while (t < IMPORT_TYPE_COUNT_ && strcmp(type_names[t], tn) != 0) t++;
  if (t == IMPORT_TYPE_COUNT_) {
    snprintf(why, whysz,
             "unknown record type \"%.60s\" (expected org, user, msa_link, achievement, "
             "metric, override or membership)",
             tn);
    return -1;
  }
  memset(r, 0, sizeof *r);
  r->type = (enum import_type)t;
  defaults(r);
  int present[MAX_FIELDS] = {0};
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (strcmp(key, "type") == 0) continue;
    const field *f = field_of(r->type, key);
    if (!f) {
      snprintf(why, whysz, "%s: unknown field \"%.60s\"", tn, key);
      return -1;
    }
    present[f - schemas[r->type]] = 1;
    if (convert(tn, f, v, r, why, whysz)) return -1;
  }
  for (int i = 0; i < MAX_FIELDS && schemas[r->type][i].name; i++)
    if (schemas[r->type][i].required && !present[i]) {
      snprintf(why, whysz, "%s: missing field \"%s\"", tn, schemas[r->type][i].name);
      return -1;
    }
  /* Rules across fields. */
  if (r->type == IMPORT_USER && r->as.user.known != STORE_NO_TIME && !r->as.user.joined.present &&
      !r->as.user.left.present) {
    snprintf(why, whysz,
             "user: field \"known\" says when a joining or departure was learned of: give "
             "\"joined\" or \"left\" with it");
    return -1;
  }
  if (r->type == IMPORT_ACHIEVEMENT && r->as.achievement.expires != STORE_NO_TIME &&
      r->as.achievement.expires <= r->as.achievement.earned) {
    snprintf(why, whysz, "achievement: \"expires\" must be after \"earned\"");
    return -1;
  }
  if (r->type == IMPORT_OVERRIDE && r->as.override.from != STORE_NO_TIME &&
      r->as.override.from >= r->as.override.until) {
    snprintf(why, whysz, "override: \"from\" must be before \"until\"");
    return -1;
  }
  return 0;
}

int import_record_strings(import_record *r, const char **fields[IMPORT_MAX_STRINGS]) {
  int n = 0;
  for (int i = 0; i < MAX_FIELDS && schemas[r->type][i].name && n < IMPORT_MAX_STRINGS; i++) {
    const field *f = &schemas[r->type][i];
    char *at = (char *)r + f->offset;
    const char **p = NULL;
    if (f->kind == F_ID || f->kind == F_KIND || f->kind == F_LEVEL) p = (const char **)at;
    if (f->kind == F_TEXT) p = &((store_opt_text *)at)->value;
    if (p && *p) fields[n++] = p;
  }
  return n;
}

int import_record_store(store *s, const import_record *r, char *why, size_t whysz) {
  switch (r->type) {
  case IMPORT_ORG: return store_org_put(s, r->as.org.id, r->as.org.name, why, whysz);
  case IMPORT_USER: return store_user_put(s, &r->as.user, why, whysz);
  case IMPORT_LINK:
    return store_link_put(s, r->as.link.msa, r->as.link.user, r->as.link.at, r->as.link.known, why,
                          whysz);
  case IMPORT_ACHIEVEMENT: return store_achievement_put(s, &r->as.achievement, why, whysz);
  case IMPORT_METRIC:
    return store_metric_put(s, r->as.metric.org, r->as.metric.metric, r->as.metric.period,
                            r->as.metric.value, why, whysz);
  case IMPORT_OVERRIDE: return store_override_put(s, &r->as.override, why, whysz);
  case IMPORT_MEMBERSHIP: return store_membership_put(s, &r->as.membership, why, whysz);
  default: return STORE_ERROR;
  }
}

int import_record_check_schema(const import_record *r, const policy_schema *s, char *why,
                               size_t whysz) {
  const char *type, *name, *kind = NULL, *key;
  int what;
  switch (r->type) {
  case IMPORT_METRIC:
    type = "metric", key = "metric", name = r->as.metric.metric, what = POLICY_SCHEMA_METRIC;
    break;
  case IMPORT_ACHIEVEMENT:
    type = "achievement", key = "code", name = r->as.achievement.code, what = POLICY_SCHEMA_CODE;
    kind = r->as.achievement.kind;
    break;
  case IMPORT_OVERRIDE:
    type = "override", key = "code", name = r->as.override.code, what = POLICY_SCHEMA_CODE;
    break;
  default: return 0;
  }
  const char *declared = policy_schema_kind(s, what, name);
  if (!declared) {
    const char *near = policy_schema_closest(s, what, name);
    char hint[300] = "";
    if (near) snprintf(hint, sizeof hint, " (did you mean \"%.200s\"?)", near);
    snprintf(why, whysz, "%s: %s \"%.200s\" is not declared in %s%s", type, key, name,
             policy_schema_path(s), hint);
    return -1;
  }
  if (kind && strcmp(kind, declared) != 0) {
    snprintf(why, whysz, "%s: code \"%.200s\" is declared as %s %s in %s, not %s %s", type, name,
             declared[0] == 'a' || declared[0] == 'e' ? "an" : "a", declared, policy_schema_path(s),
             kind[0] == 'a' || kind[0] == 'e' ? "an" : "a", kind);
    return -1;
  }
  return 0;
}
