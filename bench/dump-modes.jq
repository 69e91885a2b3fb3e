# The effective ext_proc request body mode of every route in an Envoy /config_dump, as the doctor computes it:
# the route's ExtProcPerRoute override (processing_mode replaces the filter's whole; disabled: true => NONE),
# else the mode of the ext_proc filter in the connection manager whose RDS names the route's configuration,
# else NONE when no ext_proc filter applies. Envoy's proto JSON omits the default enum value (NONE).
# Prints: route-config <TAB> route <TAB> mode.
( [ .configs[] | select(."@type" == "type.googleapis.com/envoy.admin.v3.ListenersConfigDump")
    | (.dynamic_listeners // [])[] | (.active_state // .warming_state).listener
    | (.filter_chains // [])[] | .filters[]
    | select(.name == "envoy.filters.network.http_connection_manager") | .typed_config
    | (.rds.route_config_name // .route_config.name) as $rc
    | .http_filters[] | select(.name == "envoy.filters.http.ext_proc")
    | { key: $rc, value: (.typed_config.processing_mode.request_body_mode // "NONE") } ]
  | from_entries ) as $filters
| .configs[] | select(."@type" == "type.googleapis.com/envoy.admin.v3.RoutesConfigDump")
| (.dynamic_route_configs // [])[] | .route_config | .name as $rc
| .virtual_hosts[] | .routes[]
| .typed_per_filter_config["envoy.filters.http.ext_proc"] as $pr
| [ $rc, .name,
    ( if $filters[$rc] == null then "NONE"
      elif $pr.disabled == true then "NONE"
      elif $pr.overrides.processing_mode != null then ($pr.overrides.processing_mode.request_body_mode // "NONE")
      else $filters[$rc] end ) ]
| @tsv
