/* Declarations of FreeRTOS tasks and task notifications as ESP-IDF has them, for a compile check. */
#ifndef OCTOMIX_API_FREERTOS_TASK_H
#define OCTOMIX_API_FREERTOS_TASK_H
#include "freertos/FreeRTOS.h"

typedef struct tskTaskControlBlock *TaskHandle_t;
typedef void (*TaskFunction_t)(void *);

BaseType_t xTaskCreatePinnedToCore(TaskFunction_t code, const char *name, const uint32_t stackDepth, void *parameters,
    UBaseType_t priority, TaskHandle_t *createdTask, const BaseType_t coreId);
BaseType_t xTaskCreate(TaskFunction_t code, const char *name, const configSTACK_DEPTH_TYPE stackDepth, void *parameters,
    UBaseType_t priority, TaskHandle_t *createdTask);
void vTaskDelete(TaskHandle_t task);
void vTaskDelay(const TickType_t ticks);
TaskHandle_t xTaskGetCurrentTaskHandle(void);
BaseType_t xTaskGenericNotify(TaskHandle_t task, UBaseType_t index, uint32_t value, int action, uint32_t *previous);
uint32_t ulTaskGenericNotifyTake(UBaseType_t index, BaseType_t clearOnExit, TickType_t ticksToWait);
#define xTaskNotifyGive(task) xTaskGenericNotify((task), 0, 0, 2 /* eIncrement */, NULL)
#define ulTaskNotifyTake(clear, ticks) ulTaskGenericNotifyTake(0, (clear), (ticks))

#endif
