// SVG to PNG with GNOME's librsvg and cairo, loaded at run time with dlopen (Debian's
// librsvg2-2 and libcairo2), for the kernel's image/png copy of a plot, which Jupyter shows
// even in an untrusted notebook. Nothing is linked at build time, so `hebb`'s start-up does
// not pay for glib, cairo and pango; without the libraries, hebb_svg_to_png returns 0 and
// plots stay SVG only. The few entry points are declared here with their stable C ABI.
#ifndef HEBB_SVG_RASTER_SHIM_H
#define HEBB_SVG_RASTER_SHIM_H
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef struct { double x, y, width, height; } hebb_rsvg_rectangle;
typedef int (*hebb_cairo_write_fn)(void *closure, const unsigned char *data, unsigned int length);

struct hebb_svg_raster {
    int loaded;   /* 0: not tried, 1: ready, -1: unavailable */
    void *(*new_from_data)(const unsigned char *, size_t, void **);
    int (*intrinsic_size)(void *, double *, double *);
    int (*render_document)(void *, void *, const hebb_rsvg_rectangle *, void **);
    void (*object_unref)(void *);
    void (*error_free)(void *);
    void *(*surface_create)(int, int, int);
    void *(*cairo_create)(void *);
    void (*cairo_scale)(void *, double, double);
    void (*set_source_rgb)(void *, double, double, double);
    void (*paint)(void *);
    void (*cairo_destroy)(void *);
    int (*write_png_stream)(void *, hebb_cairo_write_fn, void *);
    void (*surface_destroy)(void *);
};

static inline int hebb_svg_raster_load(struct hebb_svg_raster *r) {
    if (r->loaded) return r->loaded == 1;
    r->loaded = -1;
    void *rsvg = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);
    void *cairo = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL);
    void *gobject = dlopen("libgobject-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
    void *glib = dlopen("libglib-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!rsvg || !cairo || !gobject || !glib) return 0;
    *(void **)&r->new_from_data = dlsym(rsvg, "rsvg_handle_new_from_data");
    *(void **)&r->intrinsic_size = dlsym(rsvg, "rsvg_handle_get_intrinsic_size_in_pixels");
    *(void **)&r->render_document = dlsym(rsvg, "rsvg_handle_render_document");
    *(void **)&r->object_unref = dlsym(gobject, "g_object_unref");
    *(void **)&r->error_free = dlsym(glib, "g_error_free");
    *(void **)&r->surface_create = dlsym(cairo, "cairo_image_surface_create");
    *(void **)&r->cairo_create = dlsym(cairo, "cairo_create");
    *(void **)&r->cairo_scale = dlsym(cairo, "cairo_scale");
    *(void **)&r->cairo_destroy = dlsym(cairo, "cairo_destroy");
    *(void **)&r->set_source_rgb = dlsym(cairo, "cairo_set_source_rgb");
    *(void **)&r->paint = dlsym(cairo, "cairo_paint");
    *(void **)&r->write_png_stream = dlsym(cairo, "cairo_surface_write_to_png_stream");
    *(void **)&r->surface_destroy = dlsym(cairo, "cairo_surface_destroy");
    if (!r->new_from_data || !r->intrinsic_size || !r->render_document || !r->object_unref || !r->error_free
        || !r->surface_create || !r->cairo_create || !r->cairo_scale || !r->cairo_destroy || !r->set_source_rgb || !r->paint
        || !r->write_png_stream || !r->surface_destroy) return 0;
    r->loaded = 1;
    return 1;
}

struct hebb_png_buffer { unsigned char *bytes; size_t length, capacity; int failed; };

static int hebb_png_append(void *closure, const unsigned char *data, unsigned int length) {
    struct hebb_png_buffer *buffer = (struct hebb_png_buffer *)closure;
    if (buffer->length + length > buffer->capacity) {
        size_t capacity = (buffer->capacity ? buffer->capacity * 2 : 65536) + length;
        unsigned char *grown = (unsigned char *)realloc(buffer->bytes, capacity);
        if (!grown) { buffer->failed = 1; return 11; /* CAIRO_STATUS_WRITE_ERROR */ }
        buffer->bytes = grown; buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, data, length);
    buffer->length += length;
    return 0;   /* CAIRO_STATUS_SUCCESS */
}

/// Renders the SVG document `svg` at `scale` times its size into a PNG. On success returns 1
/// and sets *png (free() it) and *length, *width and *height (the 1x size in pixels).
/// Not thread-safe: call from one thread (the kernel's main thread).
static inline int hebb_svg_to_png(const char *svg, size_t svg_length, double scale, unsigned char **png,
                                  size_t *length, double *width, double *height) {
    static struct hebb_svg_raster raster;
    *png = NULL; *length = 0;
    if (!hebb_svg_raster_load(&raster)) return 0;
    void *error = NULL;
    void *handle = raster.new_from_data((const unsigned char *)svg, svg_length, &error);
    if (!handle) { if (error) raster.error_free(error); return 0; }
    double w = 0, h = 0;
    if (!raster.intrinsic_size(handle, &w, &h) || w < 1 || h < 1 || w * scale > 8192 || h * scale > 8192) {
        raster.object_unref(handle); return 0;
    }
    void *surface = raster.surface_create(0 /* CAIRO_FORMAT_ARGB32 */, (int)(w * scale + 0.5), (int)(h * scale + 0.5));
    void *cr = raster.cairo_create(surface);
    raster.set_source_rgb(cr, 1, 1, 1);   /* white, as the SVG looks on a page (dark themes too) */
    raster.paint(cr);
    raster.cairo_scale(cr, scale, scale);
    hebb_rsvg_rectangle viewport = {0, 0, w, h};
    int ok = raster.render_document(handle, cr, &viewport, &error);
    if (error) { raster.error_free(error); ok = 0; }
    struct hebb_png_buffer buffer = {0};
    if (ok) ok = raster.write_png_stream(surface, hebb_png_append, &buffer) == 0 && !buffer.failed;
    raster.cairo_destroy(cr);
    raster.surface_destroy(surface);
    raster.object_unref(handle);
    if (!ok) { free(buffer.bytes); return 0; }
    *png = buffer.bytes; *length = buffer.length; *width = w; *height = h;
    return 1;
}
#endif
