// A stand-in for libnvidia-ml with two devices: 40 % and 60 % busy, a
// quarter and three quarters of 8 GiB used (so 50 % and 50 % overall).
typedef struct {
  unsigned int gpu, memory;
} Utilization;
typedef struct {
  unsigned long long total, free, used;
} Memory;

static int devices[2];

extern "C" {

int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
int nvmlDeviceGetCount_v2(unsigned int* n) {
  *n = 2;
  return 0;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned int i, void** d) {
  if (i > 1) return 2;
  *d = &devices[i];
  return 0;
}
int nvmlDeviceGetUtilizationRates(void* d, Utilization* u) {
  u->gpu = d == &devices[0] ? 40 : 60;
  u->memory = 0;
  return 0;
}
int nvmlDeviceGetMemoryInfo(void* d, Memory* m) {
  m->total = 8ull << 30;
  m->used = d == &devices[0] ? 2ull << 30 : 6ull << 30;
  m->free = m->total - m->used;
  return 0;
}
}
