// The C API under misuse and re-entry: NULL everywhere, objects of the wrong kind, objects
// from another store, objects used after their store is deleted, wrong argument kinds,
// host functions that re-enter wasm, return wrong kinds or delete their store. Every case
// must give NULL, false, zero or a trap, never a crash. Prints "Done." when all pass.

#include <stdio.h>
#include <string.h>

#include "wasm.h"

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      printf("FAILED at line %d: %s\n", __LINE__, #cond);             \
      return 1;                                                       \
    }                                                                 \
  } while (0)

// (module
//   (import "" "f" (func $f (param i32) (result i32)))
//   (func (export "g") (param i32) (result i32) (call $f (local.get 0)))
//   (func (export "loop") (loop (br 0))))
static const char module_bytes[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60,
  0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x06, 0x01, 0x00, 0x01,
  0x66, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0c, 0x02, 0x01,
  0x67, 0x00, 0x01, 0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x02, 0x0a, 0x10,
  0x02, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x07, 0x00, 0x03, 0x40,
  0x0c, 0x00, 0x0b, 0x0b,
};

static const wasm_func_t* g_export;  // the instance's "g", for re-entry
static wasm_store_t* current_store;  // the store the callbacks run in

// f(x) = x == 0 ? 100 : g(x - 1) + 1: re-enters wasm x times.
static wasm_trap_t* reenter(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int32_t x = args->data[0].of.i32;
  if (x == 0) {
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = 100;
    return NULL;
  }
  wasm_val_t arg[1] = { WASM_I32_VAL(x - 1) };
  wasm_val_t result[1] = { WASM_INIT_VAL };
  wasm_val_vec_t a = WASM_ARRAY_VEC(arg), r = WASM_ARRAY_VEC(result);
  wasm_trap_t* trap = wasm_func_call(g_export, &a, &r);
  if (trap) return trap;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(result[0].of.i32 + 1);
  return NULL;
}

// Returns an f64 where an i32 is due.
static wasm_trap_t* wrong_kind(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = 1.5;
  return NULL;
}

// Deletes the store it runs in (refused: the store is in use), then returns 7.
static wasm_trap_t* delete_store(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  wasm_store_delete(current_store);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(7);
  return NULL;
}

// Instantiates the module with `callback` as its import and returns export `index`.
static wasm_func_t* instantiate(wasm_store_t* store, wasm_module_t* module,
                                wasm_func_callback_t callback, size_t index) {
  wasm_functype_t* ty = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, ty, callback);
  wasm_functype_delete(ty);
  wasm_extern_t* imports[] = { wasm_func_as_extern(f) };
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  wasm_func_delete(f);
  if (!instance) return NULL;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* result = wasm_func_copy(wasm_extern_as_func(exports.data[index]));
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  return result;
}

// Calls `func` with i32 `x`; returns the trap, or NULL with the result in `*out`.
static wasm_trap_t* call_i32(const wasm_func_t* func, int32_t x, int32_t* out) {
  wasm_val_t arg[1] = { WASM_I32_VAL(x) };
  wasm_val_t result[1] = { WASM_INIT_VAL };
  wasm_val_vec_t a = WASM_ARRAY_VEC(arg), r = WASM_ARRAY_VEC(result);
  wasm_trap_t* trap = wasm_func_call(func, &a, &r);
  if (!trap) *out = result[0].of.i32;
  return trap;
}

// Whether `trap` is a trap whose message contains `text`; frees it.
static int trap_says(wasm_trap_t* trap, const char* text) {
  if (!trap) return 0;
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  int found = message.size > 0 && strstr(message.data, text) != NULL;
  if (!found) printf("trap message: %s\n", message.size ? message.data : "(none)");
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
  return found;
}

int main(void) {
  // NULL arguments.
  CHECK(wasm_store_new(NULL) == NULL);
  CHECK(wasm_module_new(NULL, NULL) == NULL);
  CHECK(trap_says(wasm_func_call(NULL, NULL, NULL), "not a live function"));
  CHECK(wasm_memory_data(NULL) == NULL && wasm_memory_size(NULL) == 0);
  CHECK(!wasm_table_set(NULL, 0, NULL) && !wasm_table_grow(NULL, 1, NULL));
  CHECK(wasm_func_type(NULL) == NULL && wasm_func_param_arity(NULL) == 0);
  CHECK(wasm_trap_origin(NULL) == NULL && wasm_frame_instance(NULL) == NULL);
  CHECK(wasm_valtype_new(7) == NULL);
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &(wasm_limits_t){1, 2}) == NULL);
  wasm_global_get(NULL, NULL);
  wasm_global_set(NULL, NULL);
  wasm_func_delete(NULL);
  wasm_ref_delete(NULL);
  wasm_store_delete(NULL);
  wasm_engine_delete(NULL);
  wasm_extern_vec_t none;
  wasm_instance_exports(NULL, &none);
  CHECK(none.size == 0);

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  current_store = store;

  // Malformed modules.
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 8, "\0asm\x01\0\0\x01");
  CHECK(!wasm_module_validate(store, &junk));
  CHECK(wasm_module_new(store, &junk) == NULL);
  CHECK(wasm_module_deserialize(store, &junk) == NULL);
  wasm_byte_vec_delete(&junk);

  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof module_bytes, module_bytes);
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK(module != NULL);

  // Re-entry: g(5) goes wasm -> host -> wasm five times.
  wasm_func_t* g = instantiate(store, module, reenter, 0);
  CHECK(g != NULL);
  g_export = g;
  int32_t out = 0;
  CHECK(call_i32(g, 5, &out) == NULL && out == 105);

  // Wrong argument kinds and counts, a results vector too short.
  wasm_val_t wrong[1] = { WASM_F64_VAL(1.0) };
  wasm_val_vec_t wrong_args = WASM_ARRAY_VEC(wrong);
  wasm_val_t result[1] = { WASM_INIT_VAL };
  wasm_val_vec_t results = WASM_ARRAY_VEC(result);
  CHECK(trap_says(wasm_func_call(g, &wrong_args, &results), "expects arguments"));
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;
  CHECK(trap_says(wasm_func_call(g, &no_args, &results), "expects arguments"));
  wasm_val_t arg[1] = { WASM_I32_VAL(0) };
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg);
  CHECK(trap_says(wasm_func_call(g, &args, &no_args), "too short"));

  // A host function returning the wrong kind traps the call.
  wasm_func_t* g2 = instantiate(store, module, wrong_kind, 0);
  CHECK(trap_says(call_i32(g2, 1, &out), "wrong type"));

  // A host function deleting its own store: refused, the call completes.
  wasm_func_t* g3 = instantiate(store, module, delete_store, 0);
  CHECK(call_i32(g3, 1, &out) == NULL && out == 7);

  // Objects of the wrong kind.
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* memory_type = wasm_memorytype_new(&limits);
  wasm_memory_t* memory = wasm_memory_new(store, memory_type);
  CHECK(memory != NULL);
  CHECK(wasm_extern_as_func(wasm_memory_as_extern(memory)) == NULL);
  CHECK(wasm_ref_as_global(wasm_memory_as_ref(memory)) == NULL);
  CHECK(trap_says(wasm_func_call((const wasm_func_t*)memory, NULL, NULL), "not a live function"));
  CHECK(wasm_table_size((const wasm_table_t*)memory) == 0);
  CHECK(wasm_memory_grow(memory, 1) && !wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 2 && wasm_memory_data_size(memory) == 2 * 65536);

  // Imports of the wrong type, the wrong number, from another store.
  wasm_extern_t* bad_imports[] = { wasm_memory_as_extern(memory) };
  wasm_extern_vec_t bad = WASM_ARRAY_VEC(bad_imports);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &bad, &trap) == NULL);
  CHECK(trap_says(trap, "incompatible import type"));
  wasm_extern_vec_t empty = WASM_EMPTY_VEC;
  trap = NULL;
  CHECK(wasm_instance_new(store, module, &empty, &trap) == NULL);
  CHECK(trap_says(trap, "imports"));
  wasm_store_t* other = wasm_store_new(engine);
  trap = NULL;
  CHECK(wasm_instance_new(other, module, &bad, &trap) == NULL);
  CHECK(trap_says(trap, "store"));

  // A store's objects after the store is deleted: inert.
  wasm_memory_t* orphan = wasm_memory_new(other, memory_type);
  wasm_func_t* orphan_g = instantiate(other, module, reenter, 0);
  CHECK(orphan != NULL && orphan_g != NULL);
  wasm_store_delete(other);
  CHECK(wasm_memory_data(orphan) == NULL && wasm_memory_size(orphan) == 0);
  CHECK(!wasm_memory_grow(orphan, 1));
  CHECK(trap_says(call_i32(orphan_g, 1, &out), "not a live function"));
  CHECK(wasm_func_type(orphan_g) == NULL);
  wasm_memory_delete(orphan);
  wasm_func_delete(orphan_g);

  wasm_memorytype_delete(memory_type);
  wasm_memory_delete(memory);
  wasm_func_delete(g);
  wasm_func_delete(g2);
  wasm_func_delete(g3);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
