# Cross-compiles for 64-bit ARM (Debian arm64) on an amd64 Debian 12 machine, with Debian's
# cross compiler and the arm64 libraries installed beside the native ones (multiarch):
#
#   deploy/install-deps.sh arm64
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake
#
# or simply `deploy/package.sh --arch arm64`. Programs built for arm64 run here through
# qemu-user-static, which is also how ctest and GoogleTest's test discovery run them.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for arm64")

# Libraries and CMake package files come from the arm64 multiarch directories
# (/usr/lib/aarch64-linux-gnu); headers of /usr/include are shared by every architecture.
# Programs (cmake helpers, gzip) are the machine's own.
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The arm64 dynamic loader and libraries are installed at their usual places, so qemu needs
# no separate root; -L / says so explicitly.
find_program(MG_QEMU_AARCH64 qemu-aarch64-static)
if(MG_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MG_QEMU_AARCH64} -L /)
endif()

# The Debian package is for arm64, and dpkg-shlibdeps looks for the arm64 libraries.
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
