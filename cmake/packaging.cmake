# Install rules and the Debian package (CPack DEB).
#
#   cmake --build build --target mosaic-gateway mosaic-sim
#   (cd build && cpack -G DEB)        # build/mosaic-gateway_<version>-1_<arch>.deb
#
# or simply deploy/package.sh. The package installs
#   /usr/bin/mosaic-gateway, /usr/bin/mosaic-sim
#   /lib/systemd/system/mosaic-gateway@.service
#   /etc/mosaic-gateway/starter.yaml                    (conffile: a site file to copy)
#   /usr/share/doc/mosaic-gateway/{README.md,capture-format.md,copyright,changelog.gz,
#                                  changelog.Debian.gz}
#   /usr/share/doc/mosaic-gateway/examples/example.yaml (every setting, for reference)
#   /usr/share/man/man1/mosaic-gateway.1.gz
# The unit and the config live at fixed, absolute places: the unit names
# /usr/bin/mosaic-gateway and /etc/mosaic-gateway/<site>.yaml.

include(GNUInstallDirs)

set(MG_PACKAGE_NAME mosaic-gateway)
set(MG_PACKAGE_RELEASE 1)
set(MG_PACKAGE_MAINTAINER "mosaic-gateway developers <dev@mosaic-gateway.invalid>")
set(MG_PACKAGE_DOCDIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/${MG_PACKAGE_NAME})
set(MG_PACKAGE_STAGE ${PROJECT_BINARY_DIR}/packaging)

# Directories come out 0755 whatever the umask of whoever builds the package.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

install(TARGETS mosaic-gateway mosaic-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/systemd/mosaic-gateway@.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/config/starter.yaml DESTINATION /etc/mosaic-gateway)
install(FILES ${PROJECT_SOURCE_DIR}/config/example.yaml DESTINATION ${MG_PACKAGE_DOCDIR}/examples)

# Debian changelog, compressed without a timestamp in the gzip header. Its date
# honours SOURCE_DATE_EPOCH for reproducible packages.
string(TIMESTAMP MG_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(MAKE_DIRECTORY ${MG_PACKAGE_STAGE})
file(CONFIGURE OUTPUT ${MG_PACKAGE_STAGE}/changelog.Debian @ONLY CONTENT
"@MG_PACKAGE_NAME@ (@PROJECT_VERSION@-@MG_PACKAGE_RELEASE@) unstable; urgency=medium

  * Release @PROJECT_VERSION@.

 -- @MG_PACKAGE_MAINTAINER@  @MG_PACKAGE_DATE@
")
find_program(MG_GZIP gzip REQUIRED)
# Compresses SOURCE into the stage as NAME.gz, as Debian wants docs and manual pages.
function(mg_gzip source name)
  if(NOT source STREQUAL "${MG_PACKAGE_STAGE}/${name}")
    configure_file(${source} ${MG_PACKAGE_STAGE}/${name} COPYONLY)
  endif()
  execute_process(
    COMMAND ${MG_GZIP} -9 -n -f -k ${MG_PACKAGE_STAGE}/${name}
    RESULT_VARIABLE gzip_result)
  if(NOT gzip_result EQUAL 0)
    message(FATAL_ERROR "gzip of ${name} failed: ${gzip_result}")
  endif()
endfunction()
mg_gzip(${MG_PACKAGE_STAGE}/changelog.Debian changelog.Debian)
# The upstream changelog and the manual page; configure_file re-runs this when they change.
mg_gzip(${PROJECT_SOURCE_DIR}/CHANGELOG.md changelog)
mg_gzip(${PROJECT_SOURCE_DIR}/docs/mosaic-gateway.1 mosaic-gateway.1)
install(FILES ${MG_PACKAGE_STAGE}/mosaic-gateway.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES
          ${PROJECT_SOURCE_DIR}/README.md
          ${PROJECT_SOURCE_DIR}/docs/capture-format.md
          ${PROJECT_SOURCE_DIR}/packaging/copyright
          ${MG_PACKAGE_STAGE}/changelog.gz
          ${MG_PACKAGE_STAGE}/changelog.Debian.gz
        DESTINATION ${MG_PACKAGE_DOCDIR})

# Maintainer scripts. With DynamicUser=yes there is no account to create; the
# scripts only keep a running systemd in step with the package.
file(CONFIGURE OUTPUT ${MG_PACKAGE_STAGE}/conffiles @ONLY CONTENT
"/etc/mosaic-gateway/starter.yaml
")
file(CONFIGURE OUTPUT ${MG_PACKAGE_STAGE}/postinst @ONLY CONTENT
[=[#!/bin/sh
set -e

case "$1" in
  configure|abort-upgrade|abort-deconfigure|abort-remove)
    if [ -d /run/systemd/system ]; then
      systemctl --system daemon-reload >/dev/null || true
      # After an upgrade, running sites move to the new binary.
      if [ -n "$2" ]; then
        deb-systemd-invoke try-restart 'mosaic-gateway@*.service' >/dev/null || true
      fi
    fi
    ;;
esac

exit 0
]=])
file(CONFIGURE OUTPUT ${MG_PACKAGE_STAGE}/prerm @ONLY CONTENT
[=[#!/bin/sh
set -e

case "$1" in
  remove)
    if [ -d /run/systemd/system ]; then
      deb-systemd-invoke stop 'mosaic-gateway@*.service' >/dev/null || true
    fi
    ;;
esac

exit 0
]=])
file(CONFIGURE OUTPUT ${MG_PACKAGE_STAGE}/postrm @ONLY CONTENT
[=[#!/bin/sh
set -e

case "$1" in
  remove|purge)
    if [ -d /run/systemd/system ]; then
      systemctl --system daemon-reload >/dev/null || true
    fi
    ;;
esac

exit 0
]=])

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${MG_PACKAGE_NAME})
set(CPACK_PACKAGE_VENDOR "mosaic-gateway developers")
set(CPACK_PACKAGE_CONTACT ${MG_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "bridge from Mosaic lighting controllers to MQTT")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 0)

set(CPACK_DEBIAN_PACKAGE_NAME ${MG_PACKAGE_NAME})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MG_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${MG_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# /bin/kill (procps) sends SIGHUP for `systemctl reload`.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "procps")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto, mosquitto-clients")
# The extended description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY above it
# and indents it. An empty line separates paragraphs.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"mosaic-gateway connects to ETC/Pharos Mosaic lighting controllers (MSC,
MSC X, Atlas, Atlas Pro) and republishes their state and events as retained
MQTT topics, for Home Assistant, openHAB, Node-RED or a building management
system. It holds exactly one multiplexed WebSocket per controller, renews
authentication by itself and buffers while the broker is away.

One instance runs per site, as the systemd template unit
mosaic-gateway@<site>.service reading /etc/mosaic-gateway/<site>.yaml.
The package also ships mosaic-sim, a controller simulator for tests and
demos.")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${MG_PACKAGE_STAGE}/conffiles
    ${MG_PACKAGE_STAGE}/postinst
    ${MG_PACKAGE_STAGE}/prerm
    ${MG_PACKAGE_STAGE}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
