/*
 * Octomix native durable read: the platform-free part (take_read.h says what and why).
 * No allocation, no I/O.
 */
#include "take_read.h"

uint32_t octo_read_clusters_for(uint64_t size, uint32_t cluster_bytes)
{
    if (cluster_bytes == 0)
    {
        return 0;
    }

    return (uint32_t)((size + cluster_bytes - 1) / cluster_bytes);
}

uint32_t octo_read_clmt_fill(uint32_t *table, uint32_t items, uint32_t start_cluster, uint32_t clusters)
{
    if (table == 0 || items < OCTO_READ_CLMT_ITEMS || clusters == 0 || start_cluster < 2)
    {
        return 0;
    }

    table[0] = OCTO_READ_CLMT_ITEMS; /* f_lseek(CREATE_LINKMAP) would put the items it used here */
    table[1] = clusters;
    table[2] = start_cluster;
    table[3] = 0;
    return OCTO_READ_CLMT_ITEMS;
}

uint32_t octo_read_clmt_cluster(const uint32_t *table, uint64_t offset, uint32_t cluster_bytes)
{
    if (table == 0 || cluster_bytes == 0)
    {
        return 0;
    }

    uint64_t index = offset / cluster_bytes;
    const uint32_t *t = table + 1;
    for (;;)
    {
        uint32_t length = *t++;
        if (length == 0)
        {
            return 0;
        }

        if (index < length)
        {
            return (uint32_t)index + *t;
        }

        index -= length;
        t++;
    }
}

uint32_t octo_read_plan_make(octo_read_plan *plan, uint64_t offset, uint32_t count, uint64_t durable,
                             uint64_t run_bytes, uint32_t cluster_bytes, uint32_t buffer_bytes)
{
    plan->position = offset - (offset % OCTO_READ_SECTOR);
    plan->sectors = 0;
    plan->skip = (uint32_t)(offset % OCTO_READ_SECTOR);
    plan->bytes = 0;

    uint64_t limit = run_bytes - (run_bytes % OCTO_READ_SECTOR); /* whole sectors of the run only */
    if (durable < limit)
    {
        limit = durable;
    }

    if (count == 0 || offset >= limit || cluster_bytes < OCTO_READ_SECTOR || buffer_bytes < OCTO_READ_SECTOR)
    {
        return 0;
    }

    uint64_t end = offset + count;
    if (end > limit)
    {
        end = limit;
    }

    uint64_t cluster_end = (offset / cluster_bytes + 1) * (uint64_t)cluster_bytes;
    if (end > cluster_end)
    {
        end = cluster_end; /* f_read would make a second disk_read in the next cluster */
    }

    uint64_t buffer_end = plan->position + (buffer_bytes - (buffer_bytes % OCTO_READ_SECTOR));
    if (end > buffer_end)
    {
        end = buffer_end;
    }

    plan->bytes = (uint32_t)(end - offset);
    plan->sectors = (uint32_t)((end - plan->position + OCTO_READ_SECTOR - 1) / OCTO_READ_SECTOR);
    return plan->bytes;
}
