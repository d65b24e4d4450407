/* Declarations of ESP-IDF's capability allocator (docs: "Heap Memory Allocation"), for a compile check. */
#ifndef OCTOMIX_API_ESP_HEAP_CAPS_H
#define OCTOMIX_API_ESP_HEAP_CAPS_H
#include <stddef.h>
#include <stdint.h>

#define MALLOC_CAP_EXEC (1 << 0)
#define MALLOC_CAP_32BIT (1 << 1)
#define MALLOC_CAP_8BIT (1 << 2)
#define MALLOC_CAP_DMA (1 << 3)
#define MALLOC_CAP_SPIRAM (1 << 10)
#define MALLOC_CAP_INTERNAL (1 << 11)

void *heap_caps_malloc(size_t size, uint32_t caps);
void heap_caps_free(void *ptr);

#endif
