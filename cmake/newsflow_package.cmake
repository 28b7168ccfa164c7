# Install rules and the Debian package (CPack, DEB generator).
#
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
#   cmake --build build && (cd build && cpack -G DEB)   # tools/package.sh does this
#
# Layout (absolute where Debian fixes it, whatever CMAKE_INSTALL_PREFIX is):
#   <prefix>/bin/newsflow{,-ingest,-enrich,-store}   (/usr/bin in the package)
#   /lib/systemd/system/newsflow-*.service          (deploy/systemd)
#   /etc/newsflow/newsflow.yaml                      (a conffile: dpkg keeps local edits)
#   <prefix>/share/doc/newsflow/                     (example configs, unit README)
# postinst (deploy/debian) creates the `newsflow` system user and
# /var/lib/newsflow; the units are installed, not enabled.
include(GNUInstallDirs)

install(TARGETS newsflow newsflow-ingest newsflow-enrich newsflow-store RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES
          ${PROJECT_SOURCE_DIR}/deploy/systemd/newsflow-store.service
          ${PROJECT_SOURCE_DIR}/deploy/systemd/newsflow-ingest.service
          ${PROJECT_SOURCE_DIR}/deploy/systemd/newsflow-enrich@.service
        DESTINATION /lib/systemd/system)

# The shipped config keeps its state where the units put it.
file(READ ${PROJECT_SOURCE_DIR}/deploy/config/newsflow.yaml newsflow_default_config)
string(REPLACE "data_dir: ./newsflow-data" "data_dir: /var/lib/newsflow" newsflow_default_config
       "${newsflow_default_config}")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/newsflow.yaml "${newsflow_default_config}")
install(FILES ${PROJECT_BINARY_DIR}/packaging/newsflow.yaml DESTINATION /etc/newsflow PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

install(FILES
          ${PROJECT_SOURCE_DIR}/deploy/config/newsflow.yaml
          ${PROJECT_SOURCE_DIR}/deploy/config/cluster-example.yaml
          ${PROJECT_SOURCE_DIR}/deploy/systemd/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME newsflow)
set(CPACK_PACKAGE_VENDOR "newsflow")
set(CPACK_PACKAGE_CONTACT "newsflow maintainers <newsflow@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "streaming news-article pipeline (ingest, enrich, store daemons)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# dpkg-shlibdeps finds the libraries the binaries link (librocksdb, libzmq,
# libxapian, ...); adduser is for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
