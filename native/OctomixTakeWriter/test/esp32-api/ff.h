/* Declarations of FatFs R0.15 as ESP-IDF configures it (docs: elm-chan.org/fsw/ff), for a compile check. */
#ifndef OCTOMIX_API_FF_H
#define OCTOMIX_API_FF_H
#include <stdint.h>

typedef unsigned int UINT;
typedef unsigned char BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint64_t QWORD;
typedef char TCHAR;
typedef DWORD FSIZE_t; /* FF_FS_EXFAT 0 */
typedef DWORD LBA_t;

#define FF_USE_EXPAND 1
#define FF_USE_FASTSEEK 1
#define FF_FS_LOCK 0
#define FF_MIN_SS 512
#define FF_MAX_SS 4096 /* ESP-IDF sizes it for wear levelling's 4 KB sectors */

/* the volume: the members a caller may read (FatFs R0.15's FATFS, in its order) */
typedef struct {
    BYTE fs_type;
    BYTE pdrv;
    BYTE n_fats;
    BYTE wflag;
    BYTE fsi_flag;
    WORD id;
    WORD n_rootdir;
    WORD csize;   /* sectors per cluster */
    WORD ssize;   /* bytes per sector (FF_MAX_SS != FF_MIN_SS) */
    DWORD last_clst;
    DWORD free_clst;
    DWORD n_fatent;
    DWORD fsize;
    LBA_t volbase;
    LBA_t fatbase;
    LBA_t dirbase;
    LBA_t database;
    LBA_t winsect;
    BYTE win[FF_MAX_SS];
} FATFS;

typedef struct {
    FATFS *fs;
    WORD id;
    BYTE attr;
    BYTE stat;
    DWORD sclust;
    FSIZE_t objsize;
} FFOBJID;

typedef struct {
    FFOBJID obj;
    BYTE flag;
    BYTE err;
    FSIZE_t fptr;
    DWORD clust;
    LBA_t sect;
    LBA_t dir_sect;
    BYTE *dir_ptr;
    DWORD *cltbl; /* FF_USE_FASTSEEK: the cluster link map, or 0 */
    BYTE buf[FF_MAX_SS];
} FIL;

typedef enum {
    FR_OK = 0, FR_DISK_ERR, FR_INT_ERR, FR_NOT_READY, FR_NO_FILE, FR_NO_PATH, FR_INVALID_NAME,
    FR_DENIED, FR_EXIST, FR_INVALID_OBJECT, FR_WRITE_PROTECTED, FR_INVALID_DRIVE, FR_NOT_ENABLED,
    FR_NO_FILESYSTEM, FR_MKFS_ABORTED, FR_TIMEOUT, FR_LOCKED, FR_NOT_ENOUGH_CORE,
    FR_TOO_MANY_OPEN_FILES, FR_INVALID_PARAMETER
} FRESULT;

#define FA_READ 0x01
#define FA_WRITE 0x02
#define FA_OPEN_EXISTING 0x00
#define FA_CREATE_NEW 0x04
#define FA_CREATE_ALWAYS 0x08
#define FA_OPEN_ALWAYS 0x10
#define FA_OPEN_APPEND 0x30

#define CREATE_LINKMAP ((FSIZE_t)0 - 1)

FRESULT f_open(FIL *fp, const TCHAR *path, BYTE mode);
FRESULT f_close(FIL *fp);
FRESULT f_read(FIL *fp, void *buff, UINT btr, UINT *br);
FRESULT f_write(FIL *fp, const void *buff, UINT btw, UINT *bw);
FRESULT f_lseek(FIL *fp, FSIZE_t ofs);
FRESULT f_truncate(FIL *fp);
FRESULT f_sync(FIL *fp);
FRESULT f_expand(FIL *fp, FSIZE_t fsz, BYTE opt);

#define f_tell(fp) ((fp)->fptr)
#define f_size(fp) ((fp)->obj.objsize)
#define f_error(fp) ((fp)->err)
#define f_eof(fp) ((int)((fp)->fptr == (fp)->obj.objsize))

#endif
