// Empty unit: the targets made by kenning_add_pch_host (cmake/BuildSpeed.cmake)
// exist only to precompile their headers, and a target needs a source.
