/* Declarations of FreeRTOS semaphores (macros over queues in FreeRTOS; functions here), for a compile check. */
#ifndef OCTOMIX_API_FREERTOS_SEMPHR_H
#define OCTOMIX_API_FREERTOS_SEMPHR_H
#include "freertos/FreeRTOS.h"

typedef struct QueueDefinition *SemaphoreHandle_t;

SemaphoreHandle_t xSemaphoreCreateMutex(void);
SemaphoreHandle_t xSemaphoreCreateBinary(void);
BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t ticksToWait);
BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore);
void vSemaphoreDelete(SemaphoreHandle_t semaphore);

#endif
