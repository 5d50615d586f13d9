/* fuzz_import_csv.c - the registry CSV importer on arbitrary bytes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "import_fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    fuzz_import(data, size, ".csv");
    return 0;
}
