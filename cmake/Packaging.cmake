# The Debian package (docs/operations.md, "The Debian package"): `cpack -G DEB` in the build
# directory makes ledger_<version>_amd64.deb with
#   /usr/bin/ledger                          the binary (stripped)
#   /usr/bin/ledger-audit-verify             audit-verify alone, without RocksDB (stripped)
#   /lib/systemd/system/ledger.service       `ledger serve` as user ledger, hardened
#   /etc/default/ledger                      its options (a conffile)
#   /usr/share/doc/ledger/                   README.md and docs/*.md
# and maintainer scripts (packaging/debian/) that create the user and the data and key
# directories. Depends: from dpkg-shlibdeps on the binaries, plus adduser for postinst.
# tests/package/deb_test.sh builds, unpacks and checks it (CTest: DebPackageTest, label package).
install(TARGETS ledger ledger-audit-verify RUNTIME DESTINATION bin)
# /lib, not /usr/lib: where Debian 12 packages put units (dh_installsystemd).
install(FILES packaging/ledger.service DESTINATION /lib/systemd/system)
install(FILES packaging/ledger.default DESTINATION /etc/default RENAME ledger)
file(GLOB LEDGER_DOCS CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/*.md")
install(FILES README.md ${LEDGER_DOCS} DESTINATION share/doc/ledger)

set(LEDGER_PACKAGE_MAINTAINER "ledger operators <root@localhost>" CACHE STRING
    "The Maintainer field of the Debian package: who builds and answers for it")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ledger)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "event-sourced audit and consent ledger with a server")
# One paragraph (cpack writes it as the control file's extended description).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "Every consent, sanction, agreement and status change is appended as a signed event to "
       "a durable log with RFC 6962 Merkle checkpoints; ledger serve offers it over HTTP/JSON, "
       "WebSocket, server-sent events and a binary protocol, with an auditor's page.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LEDGER_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst"
    "${PROJECT_SOURCE_DIR}/packaging/debian/prerm"
    "${PROJECT_SOURCE_DIR}/packaging/debian/postrm"
    "${PROJECT_SOURCE_DIR}/packaging/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/package")
include(CPack)
