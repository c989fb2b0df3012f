/* Kenning target runtime (ktr): portable int8 inference for targets.
 *
 * Plain C11, freestanding-friendly: no heap, no exceptions, no RTTI, no
 * libc beyond memcpy/memset. All memory is one arena the caller owns; the
 * model bytes themselves live at the start of that arena (so an upload is
 * received in place, never copied) and the activations are planned behind
 * them when the model is loaded.
 *
 * The same sources build for the host (unit tests, fuzzing, the host-side
 * runtime class), aarch64 Linux and Cortex-M.
 *
 * Typical target-side use:
 *   ktr_runtime rt;
 *   ktr_init(&rt, arena, sizeof arena);
 *   uint8_t* dst = ktr_model_buffer(&rt, model_size);     // NULL: too large
 *   ... receive model_size bytes into dst ...
 *   if (ktr_load_model(&rt, model_size) != KTR_OK) report ktr_error(&rt);
 *   ... write ktr_input_bytes(&rt, 0) bytes into ktr_input(&rt, 0) ...
 *   ktr_run(&rt);
 *   ... read ktr_output_bytes(&rt, 0) bytes from ktr_output(&rt, 0) ...
 */
#ifndef KTR_RUNTIME_H
#define KTR_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ktr_status {
  KTR_OK = 0,
  KTR_ERR_FORMAT,        /* not a ktr model, or a malformed one */
  KTR_ERR_VERSION,       /* a format version this runtime does not read */
  KTR_ERR_ARENA,         /* the model or its activations do not fit */
  KTR_ERR_UNSUPPORTED,   /* an operator or parameter this build lacks */
  KTR_ERR_IO_MISMATCH,   /* an I/O spec that does not match the model */
  KTR_ERR_STATE          /* a call out of order (e.g. run before load) */
} ktr_status;

typedef enum ktr_dtype {
  KTR_DTYPE_INT8 = 1,
  KTR_DTYPE_UINT8 = 2,
  KTR_DTYPE_FLOAT32 = 3,
  KTR_DTYPE_INT32 = 4
} ktr_dtype;

#define KTR_MAX_RANK 6
#define KTR_MAX_IO 4

/* One model input or output as the host exchanges it. For integer tensors
 * `scale` and `zero_point` say what the values mean (real = scale * (q -
 * zero_point)); float tensors have scale 1 and zero point 0. */
typedef struct ktr_tensor_info {
  ktr_dtype dtype;
  uint32_t rank;
  int32_t shape[KTR_MAX_RANK];
  float scale;
  int32_t zero_point;
} ktr_tensor_info;

/* Opaque to users: the fields are here only so that it can live in static
 * memory without a heap. */
typedef struct ktr_runtime {
  uint8_t* arena;
  size_t arena_size;
  size_t model_size;      /* bytes reserved for the model at the arena start */
  size_t arena_peak;      /* model + activations after a successful load */
  int loaded;
  const void* model;      /* parsed header, inside the arena */
  uint64_t macs;          /* multiply-accumulates per inference */
  char error[96];         /* the last failure's reason, NUL-terminated */
  uintptr_t plan[8];      /* implementation state */
} ktr_runtime;

ktr_status ktr_init(ktr_runtime* rt, uint8_t* arena, size_t arena_size);

/* Where to receive a model of `size` bytes (at the arena start, aligned),
 * or NULL with ktr_error() set when it cannot fit. Unloads any model. */
uint8_t* ktr_model_buffer(ktr_runtime* rt, size_t size);

/* Validates the model received into ktr_model_buffer() (every offset, size
 * and count is checked; nothing is trusted) and plans the activations in
 * the rest of the arena. */
ktr_status ktr_load_model(ktr_runtime* rt, size_t size);

uint32_t ktr_num_inputs(const ktr_runtime* rt);
uint32_t ktr_num_outputs(const ktr_runtime* rt);
ktr_status ktr_input_info(const ktr_runtime* rt, uint32_t i, ktr_tensor_info* out);
ktr_status ktr_output_info(const ktr_runtime* rt, uint32_t i, ktr_tensor_info* out);
size_t ktr_input_bytes(const ktr_runtime* rt, uint32_t i);
size_t ktr_output_bytes(const ktr_runtime* rt, uint32_t i);
uint8_t* ktr_input(ktr_runtime* rt, uint32_t i);
const uint8_t* ktr_output(const ktr_runtime* rt, uint32_t i);

/* Compares an I/O spec received from the host with the loaded model's. */
ktr_status ktr_check_io(ktr_runtime* rt, uint32_t num_inputs, const ktr_tensor_info* inputs,
                        uint32_t num_outputs, const ktr_tensor_info* outputs);

/* One inference on the current inputs. */
ktr_status ktr_run(ktr_runtime* rt);

/* The last failure's reason ("" when none). */
const char* ktr_error(const ktr_runtime* rt);

/* Figures for the measurements: bytes of arena in use after load (model
 * plus activations) and multiply-accumulates per inference. */
size_t ktr_arena_peak(const ktr_runtime* rt);
uint64_t ktr_macs(const ktr_runtime* rt);

#ifdef __cplusplus
}
#endif

#endif /* KTR_RUNTIME_H */
