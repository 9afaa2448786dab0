/* The two per-object loops of the fast PDF path (every character of a text page, every path object of a
 * page), compiled: in Python each PDFium call through ctypes costs ~0.2 us and each character or path a
 * dozen of them (issue 16: PDF parse within 3x of PDFium's own text extraction). And the per-character steps
 * both PDF paths take on every page: readers/pdf_words.py's word grouping, readers/pdf_grid.py's table and
 * cell characters.
 *
 * Nothing here decides anything new: chars() and paths() do exactly what readers/pdfium.py's _chars_python
 * and readers/pdfium_paths.py's paths_python do, word_chars(), words(), table_chars() and outside() what
 * pdf_words' and pdf_grid's Python loops do, in the same order, with the same double arithmetic (built
 * with -ffp-contract=off, so no fused multiply-add changes a coordinate), and return the same Python
 * objects; tests/unit/readers/test_pdfium_compiled.py, test_pdf_words.py and test_pdf_cells.py compare the
 * two. A declined file comes back as the Decline's reason (a str).
 *
 * PDFium is not linked: readers/pdfium_compiled.py hands over the addresses of pypdfium2's own entry
 * points, in the order of SIGNATURES, after checking that pypdfium2 declares each function as SIGNATURES
 * says (return type, then argument types: p pointer, i int, u unsigned int, l unsigned long, d double). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST ""
#endif

typedef struct { float left, top, right, bottom; } RectF;    /* FS_RECTF */
typedef struct { float a, b, c, d, e, f; } MatrixF;          /* FS_MATRIX */

enum {
    F_GET_UNICODE, F_IS_GENERATED, F_GET_TEXT_OBJECT, F_HAS_UNICODE_MAP_ERROR, F_GET_LOOSE_CHAR_BOX,
    F_TEXT_GET_MATRIX, F_GET_FONT_SIZE, F_GET_CHAR_ORIGIN, F_PAGE_COUNT_OBJECTS, F_PAGE_GET_OBJECT,
    F_OBJ_GET_TYPE, F_OBJ_GET_MATRIX, F_PATH_GET_DRAW_MODE, F_OBJ_GET_STROKE_COLOR, F_OBJ_GET_FILL_COLOR,
    F_OBJ_GET_STROKE_WIDTH, F_PATH_COUNT_SEGMENTS, F_PATH_GET_SEGMENT, F_SEGMENT_GET_POINT, F_SEGMENT_GET_TYPE,
    F_SEGMENT_GET_CLOSE, F_FORM_COUNT_OBJECTS, F_FORM_GET_OBJECT, F_TEXT_OBJ_GET_FONT, F_FONT_GET_BASE_NAME,
    F_COUNT
};

/* name, return type, argument types: the order of the enum above */
static const char *SIGNATURES[F_COUNT][3] = {
    {"FPDFText_GetUnicode", "u", "pi"}, {"FPDFText_IsGenerated", "i", "pi"},
    {"FPDFText_GetTextObject", "p", "pi"}, {"FPDFText_HasUnicodeMapError", "i", "pi"},
    {"FPDFText_GetLooseCharBox", "i", "pip"}, {"FPDFText_GetMatrix", "i", "pip"},
    {"FPDFText_GetFontSize", "d", "pi"}, {"FPDFText_GetCharOrigin", "i", "pipp"},
    {"FPDFPage_CountObjects", "i", "p"}, {"FPDFPage_GetObject", "p", "pi"},
    {"FPDFPageObj_GetType", "i", "p"}, {"FPDFPageObj_GetMatrix", "i", "pp"},
    {"FPDFPath_GetDrawMode", "i", "ppp"}, {"FPDFPageObj_GetStrokeColor", "i", "ppppp"},
    {"FPDFPageObj_GetFillColor", "i", "ppppp"}, {"FPDFPageObj_GetStrokeWidth", "i", "pp"},
    {"FPDFPath_CountSegments", "i", "p"}, {"FPDFPath_GetPathSegment", "p", "pi"},
    {"FPDFPathSegment_GetPoint", "i", "ppp"}, {"FPDFPathSegment_GetType", "i", "p"},
    {"FPDFPathSegment_GetClose", "i", "p"}, {"FPDFFormObj_CountObjects", "i", "p"},
    {"FPDFFormObj_GetObject", "p", "pl"}, {"FPDFTextObj_GetFont", "p", "p"},
    {"FPDFFont_GetBaseFontName", "l", "ppl"},
};

typedef struct {
    unsigned int (*get_unicode)(void *, int);
    int (*is_generated)(void *, int);
    void *(*get_text_object)(void *, int);
    int (*has_unicode_map_error)(void *, int);
    int (*get_loose_char_box)(void *, int, RectF *);
    int (*text_get_matrix)(void *, int, MatrixF *);
    double (*get_font_size)(void *, int);
    int (*get_char_origin)(void *, int, double *, double *);
    int (*page_count_objects)(void *);
    void *(*page_get_object)(void *, int);
    int (*obj_get_type)(void *);
    int (*obj_get_matrix)(void *, MatrixF *);
    int (*path_get_draw_mode)(void *, int *, int *);
    int (*obj_get_stroke_color)(void *, unsigned int *, unsigned int *, unsigned int *, unsigned int *);
    int (*obj_get_fill_color)(void *, unsigned int *, unsigned int *, unsigned int *, unsigned int *);
    int (*obj_get_stroke_width)(void *, float *);
    int (*path_count_segments)(void *);
    void *(*path_get_segment)(void *, int);
    int (*segment_get_point)(void *, float *, float *);
    int (*segment_get_type)(void *);
    int (*segment_get_close)(void *);
    int (*form_count_objects)(void *);
    void *(*form_get_object)(void *, unsigned long);
    void *(*text_obj_get_font)(void *);
    unsigned long (*font_get_base_name)(void *, char *, unsigned long);
} Api;

#define OBJ_TEXT 1
#define OBJ_PATH 2
#define OBJ_FORM 5
#define MAX_FORM_DEPTH 15
#define SEG_BEZIER 1
#define SEG_MOVE 2
#define VERTICAL_RISE 0.12
#define SIGNAL_EVERY 1024 /* how often a loop lets Python run a signal handler (the per-file time limit) */
#define SIGNAL_WORK (1 << 20) /* the same, in comparisons, for table_chars' and outside's nested loops (~1 ms) */

/* interned dict keys and constant values, made once at import */
static PyObject *k_object_type, *k_page_number, *k_text, *k_x0, *k_x1, *k_y0, *k_y1, *k_top, *k_bottom,
    *k_doctop, *k_width, *k_height, *k_size, *k_upright, *k_fontname, *k_adv, *k_matrix, *k_pts, *k_stroke,
    *k_fill, *k_evenodd, *k_stroking_color, *k_non_stroking_color, *k_linewidth, *v_char, *v_rect, *v_line,
    *v_curve, *v_empty, *k_direction, *k_chars, *v_ltr;

/* a Decline: its reason as the function's return value */
#define DECLINE(reason) do { decline = (reason); goto done; } while (0)

static int read_api(PyObject *addresses, Api *api)
{
    if (!PyTuple_Check(addresses) || PyTuple_GET_SIZE(addresses) != F_COUNT) {
        PyErr_SetString(PyExc_TypeError, "one address per entry of SIGNATURES expected");
        return -1;
    }
    void **slots = (void **)api;
    for (Py_ssize_t i = 0; i < F_COUNT; i++) {
        void *p = PyLong_AsVoidPtr(PyTuple_GET_ITEM(addresses, i));
        if (p == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "a PDFium entry point at address 0");
            return -1;
        }
        slots[i] = p;
    }
    return 0;
}

static void *as_pointer(PyObject *address)
{
    return PyLong_AsVoidPtr(address);
}

/* dict[key] = value, value's reference stolen */
static int put(PyObject *dict, PyObject *key, PyObject *value)
{
    if (value == NULL)
        return -1;
    int rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return rc;
}

/* (a, b, c, d, e, f) of existing float objects, left untracked by the garbage collector (as the collector
 * itself leaves a tuple of floats): a dict holding only such values stays untracked too, so the collections
 * that thousands of new character dicts set off have nothing of them to traverse */
static PyObject *matrix6(PyObject *const *abcd, PyObject *e, PyObject *f)
{
    PyObject *t = PyTuple_New(6);
    if (t == NULL)
        return NULL;
    for (int i = 0; i < 4; i++)
        PyTuple_SET_ITEM(t, i, Py_NewRef(abcd[i]));
    PyTuple_SET_ITEM(t, 4, Py_NewRef(e));
    PyTuple_SET_ITEM(t, 5, Py_NewRef(f));
    PyObject_GC_UnTrack(t);
    return t;
}

/* a character's dict with _chars_python's keys in its order; the values that vary are None until set */
static PyObject *char_template(PyObject *page_number)
{
    PyObject *t = PyDict_New();
    if (t == NULL)
        return NULL;
    PyObject *keys[] = {k_object_type, k_page_number, k_text, k_x0, k_x1, k_y0, k_y1, k_top, k_bottom, k_doctop,
                        k_width, k_height, k_size, k_upright, k_fontname, k_adv, k_matrix};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        PyObject *k = keys[i];
        PyObject *v = k == k_object_type ? v_char : k == k_page_number ? page_number : k == k_upright ? Py_True
                      : k == k_fontname ? v_empty : Py_None;
        if (PyDict_SetItem(t, k, v) < 0) {
            Py_DECREF(t);
            return NULL;
        }
    }
    return t;
}

/* ---------------------------------------------------------------------------------------------------------
 * characters: readers/pdfium.py _chars_python */

static PyObject *chars(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *addresses, *tp_address, *owners;
    int number, n;
    double height, doctop;
    if (!PyArg_ParseTuple(args, "OOiiddO!", &addresses, &tp_address, &n, &number, &height, &doctop,
                          &PySet_Type, &owners))
        return NULL;
    Api api;
    if (read_api(addresses, &api) < 0)
        return NULL;
    void *tp = as_pointer(tp_address);
    if (tp == NULL && PyErr_Occurred())
        return NULL;
    RectF rect;
    MatrixF matrix;
    int have_owner = 0;
    void *owner = NULL;
    double size = 0.0, a = 0.0, b = 0.0, cc = 0.0, d = 0.0;
    PyObject *run[5] = {NULL, NULL, NULL, NULL, NULL}; /* a, b, c, d and size as floats, shared by a run's chars */
    PyObject *out = PyList_New(0), *result = NULL, *page_number = PyLong_FromLong(number), *template = NULL;
    const char *decline = NULL;
    if (out == NULL || page_number == NULL || (template = char_template(page_number)) == NULL)
        goto done;
    for (int i = 0; i < n; i++) {
        if (i % SIGNAL_EVERY == SIGNAL_EVERY - 1 && PyErr_CheckSignals() < 0)
            goto done;
        unsigned int code = api.get_unicode(tp, i);
        if ((code == 0x20 || code == 0x0D || code == 0x0A) && api.is_generated(tp, i))
            continue;
        void *obj = api.get_text_object(tp, i);
        if (code == 0 || code == 0xFFFE || code == 0xFFFF || api.has_unicode_map_error(tp, i) == 1)
            DECLINE("character without Unicode");
        if (!api.get_loose_char_box(tp, i, &rect))
            DECLINE("character without a box");
        if (!have_owner || obj != owner || obj == NULL) {
            if (!api.text_get_matrix(tp, i, &matrix))
                DECLINE("character without a box");
            a = matrix.a, b = matrix.b, cc = matrix.c, d = matrix.d;
            if (b != 0 || cc != 0 || a <= 0 || d <= 0)
                DECLINE("rotated, slanted or mirrored text");
            size = api.get_font_size(tp, i) * d;
            owner = obj, have_owner = 1;
            double values[5] = {a, b, cc, d, size};
            for (int k = 0; k < 5; k++) {
                Py_XSETREF(run[k], PyFloat_FromDouble(values[k]));
                if (run[k] == NULL)
                    goto done;
            }
            PyObject *key = obj == NULL ? Py_NewRef(Py_None) : PyLong_FromVoidPtr(obj);
            if (key == NULL || PySet_Add(owners, key) < 0) {
                Py_XDECREF(key);
                goto done;
            }
            Py_DECREF(key);
        }
        double x0 = rect.left, x1 = rect.right, y0 = rect.bottom;
        if (x1 - x0 > 2 * size) {
            /* vertical writing (Identity-V): see _chars_python */
            double ox, oy;
            if (!api.get_char_origin(tp, i, &ox, &oy))
                DECLINE("character without an origin");
            x1 = x0 + size;
            y0 = oy + VERTICAL_RISE * size - size;
        }
        double bottom = height - y0;
        double top = bottom - size;
        double width = x1 - x0;
        PyObject *text = PyUnicode_FromOrdinal((int)(code > 0x7FFFFFFF ? 0x7FFFFFFF : code));
        if (text == NULL)
            goto done;
        /* a copy of the page's template (every key in pdfplumber's order, the constant values set), its other
         * values replaced: cheaper than building the dict key by key */
        PyObject *ch = PyDict_Copy(template);
        if (ch == NULL) {
            Py_DECREF(text);
            goto done;
        }
        int bad = PyList_Append(out, ch);
        Py_DECREF(ch); /* out holds it */
        if (bad) {
            Py_DECREF(text);
            goto done;
        }
        /* the values that vary, made first (one failure: all released), then set */
        enum { X0, X1, Y0, Y1, TOP, BOTTOM, DOCTOP, WIDTH, MATRIX, MADE };
        PyObject *v[MADE] = {PyFloat_FromDouble(x0), PyFloat_FromDouble(x1), PyFloat_FromDouble(y0),
                             PyFloat_FromDouble(y0 + size), PyFloat_FromDouble(top), PyFloat_FromDouble(bottom),
                             PyFloat_FromDouble(doctop + top), PyFloat_FromDouble(width), NULL};
        if (v[X0] != NULL && v[Y0] != NULL)
            v[MATRIX] = matrix6(run, v[X0], v[Y0]);
        bad = v[MATRIX] == NULL || v[X1] == NULL || v[Y1] == NULL || v[TOP] == NULL || v[BOTTOM] == NULL
              || v[DOCTOP] == NULL || v[WIDTH] == NULL;
        if (bad)
            Py_DECREF(text);
        else
            bad = put(ch, k_text, text); /* text's reference goes to the dict either way */
        bad = bad || PyDict_SetItem(ch, k_x0, v[X0]) || PyDict_SetItem(ch, k_x1, v[X1])
              || PyDict_SetItem(ch, k_y0, v[Y0]) || PyDict_SetItem(ch, k_y1, v[Y1]) || PyDict_SetItem(ch, k_top, v[TOP])
              || PyDict_SetItem(ch, k_bottom, v[BOTTOM]) || PyDict_SetItem(ch, k_doctop, v[DOCTOP])
              || PyDict_SetItem(ch, k_width, v[WIDTH]) || PyDict_SetItem(ch, k_height, run[4])
              || PyDict_SetItem(ch, k_size, run[4]) || PyDict_SetItem(ch, k_adv, v[WIDTH])
              || PyDict_SetItem(ch, k_matrix, v[MATRIX]);
        for (int k = 0; k < MADE; k++)
            Py_XDECREF(v[k]);
        if (bad)
            goto done;
    }
    result = Py_BuildValue("(Oi)", out, n);
done:
    if (decline != NULL && !PyErr_Occurred())
        result = PyUnicode_FromString(decline);
    Py_XDECREF(out);
    Py_XDECREF(page_number);
    Py_XDECREF(template);
    for (int k = 0; k < 5; k++)
        Py_XDECREF(run[k]);
    return result;
}

/* ---------------------------------------------------------------------------------------------------------
 * paths: readers/pdfium_paths.py PathWalker, _subpath, _shape */

typedef struct { double x, y; } Point;

typedef struct {
    Api api;
    int number;
    double height, doctop;
    PyObject *page_number, *rects, *lines, *curves, *texts, *fonts; /* fonts: addresses known not Type3 */
    char *ops;                                                      /* one path's operators */
    Point *pts;                                                     /* and their points */
    Py_ssize_t capacity;
    long visited;
    const char *decline;
} Walk;

static int reserve(Walk *w, Py_ssize_t need)
{
    if (need <= w->capacity)
        return 0;
    Py_ssize_t cap = w->capacity ? w->capacity : 64;
    while (cap < need)
        cap *= 2;
    char *ops = PyMem_Realloc(w->ops, cap);
    if (ops == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    w->ops = ops;
    Point *pts = PyMem_Realloc(w->pts, cap * sizeof(Point));
    if (pts == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    w->pts = pts;
    w->capacity = cap;
    return 0;
}

/* RGB in 0..1, or (0.0,) where PDFium has no colour */
static PyObject *rgb(int ok, unsigned int r, unsigned int g, unsigned int b)
{
    if (!ok)
        return Py_BuildValue("(d)", 0.0);
    return Py_BuildValue("(ddd)", (double)r / 255, (double)g / 255, (double)b / 255);
}

/* one pdfminer object (_shape): kind, its points, the path's style */
static int shape(Walk *w, PyObject *kind, const Point *p, Py_ssize_t n, PyObject *style, PyObject *into)
{
    double x0 = p[0].x, x1 = p[0].x, y0 = p[0].y, y1 = p[0].y;
    for (Py_ssize_t k = 1; k < n; k++) {
        if (p[k].x < x0) x0 = p[k].x;
        if (p[k].x > x1) x1 = p[k].x;
        if (p[k].y < y0) y0 = p[k].y;
        if (p[k].y > y1) y1 = p[k].y;
    }
    double top = w->height - y1, bottom = w->height - y0;
    PyObject *pts = PyList_New(n);
    if (pts == NULL)
        return -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *pt = Py_BuildValue("(dd)", p[k].x, w->height - p[k].y);
        if (pt == NULL) {
            Py_DECREF(pts);
            return -1;
        }
        PyList_SET_ITEM(pts, k, pt);
    }
    PyObject *obj = PyDict_New();
    if (obj == NULL) {
        Py_DECREF(pts);
        return -1;
    }
    int bad = PyDict_SetItem(obj, k_object_type, kind) || PyDict_SetItem(obj, k_page_number, w->page_number)
              || put(obj, k_x0, PyFloat_FromDouble(x0)) || put(obj, k_x1, PyFloat_FromDouble(x1))
              || put(obj, k_y0, PyFloat_FromDouble(y0)) || put(obj, k_y1, PyFloat_FromDouble(y1))
              || put(obj, k_width, PyFloat_FromDouble(x1 - x0)) || put(obj, k_height, PyFloat_FromDouble(y1 - y0))
              || put(obj, k_top, PyFloat_FromDouble(top)) || put(obj, k_bottom, PyFloat_FromDouble(bottom))
              || put(obj, k_doctop, PyFloat_FromDouble(w->doctop + top)) || put(obj, k_pts, pts)
              || PyDict_Update(obj, style) || PyList_Append(into, obj);
    Py_DECREF(obj);
    return bad ? -1 : 0;
}

static int same(Point a, Point b)
{
    return a.x == b.x && a.y == b.y;
}


/* one subpath (_subpath): operators ops[0..n) and their points p[0..n); ops may be rewritten in place */
static int subpath(Walk *w, char *ops, Point *p, Py_ssize_t n, PyObject *style)
{
    if (n > 3 && ops[n - 2] == 'l' && ops[n - 1] == 'h' && same(p[n - 2], p[0])) {
        ops[n - 2] = 'h'; /* "...lh" -> "...h" and the last point dropped: the l's point is the h's */
        n -= 1;
    }
    if ((n == 3 && memcmp(ops, "mlh", 3) == 0) || (n == 2 && memcmp(ops, "ml", 2) == 0))
        return shape(w, v_line, p, 2, style, w->lines);
    if (n == 5 && (memcmp(ops, "mlllh", 5) == 0 || memcmp(ops, "mllll", 5) == 0)) {
        double x0 = p[0].x, y0 = p[0].y, x1 = p[1].x, y1 = p[1].y, x2 = p[2].x, y2 = p[2].y, x3 = p[3].x,
               y3 = p[3].y;
        int square = (x0 == x1 && y1 == y2 && x2 == x3 && y3 == y0) || (y0 == y1 && x1 == x2 && y2 == y3 && x3 == x0);
        if (same(p[0], p[4]) && square) {
            double lo_x = x2 < x0 ? x2 : x0, hi_x = x2 > x0 ? x2 : x0;
            double lo_y = y2 < y0 ? y2 : y0, hi_y = y2 > y0 ? y2 : y0;
            Point corners[4] = {{lo_x, lo_y}, {hi_x, lo_y}, {hi_x, hi_y}, {lo_x, hi_y}};
            return shape(w, v_rect, corners, 4, style, w->rects);
        }
    }
    return shape(w, v_curve, p, n, style, w->curves);
}

/* one path object (PathWalker.path and .segments) under the page-space matrix m */
static int path(Walk *w, void *obj, const double *m)
{
    Api *api = &w->api;
    int fill_mode = 0, stroke_flag = 0;
    if (!api->path_get_draw_mode(obj, &fill_mode, &stroke_flag)) {
        w->decline = "path without a draw mode";
        return -1;
    }
    int fill = fill_mode != 0, stroke = stroke_flag != 0;
    if (!fill && !stroke)
        return 0; /* pdfminer paints nothing for 'n' (a clipping path) */
    int count = api->path_count_segments(obj);
    if (count > 0 && reserve(w, 2 * (Py_ssize_t)count) < 0)
        return -1;
    double a = m[0], b = m[1], cc = m[2], d = m[3], e = m[4], f = m[5];
    Py_ssize_t n = 0;
    Point start = {0.0, 0.0};
    long bezier = 0;
    for (int i = 0; i < count; i++) {
        void *seg = api->path_get_segment(obj, i);
        float px, py;
        if (!api->segment_get_point(seg, &px, &py)) {
            w->decline = "path segment without a point";
            return -1;
        }
        int kind = api->segment_get_type(seg), close = api->segment_get_close(seg);
        Point pt = {a * (double)px + cc * (double)py + e, b * (double)px + d * (double)py + f};
        if (kind == SEG_MOVE) {
            w->ops[n] = 'm', w->pts[n++] = pt;
            start = pt;
        } else if (kind == SEG_BEZIER) {
            bezier += 1;
            if (bezier % 3 == 0)
                w->ops[n] = 'c', w->pts[n++] = pt;
        } else {
            w->ops[n] = 'l', w->pts[n++] = pt;
        }
        if (close)
            w->ops[n] = 'h', w->pts[n++] = start;
    }
    if (n == 0 || w->ops[0] != 'm')
        return 0; /* pdfminer ignores a path that does not begin with m */
    unsigned int r, g, bl, al;
    float width = 0.0f;
    PyObject *style = PyDict_New();
    if (style == NULL)
        return -1;
    int ok_stroke = api->obj_get_stroke_color(obj, &r, &g, &bl, &al);
    PyObject *stroking = rgb(ok_stroke, r, g, bl);
    int ok_fill = api->obj_get_fill_color(obj, &r, &g, &bl, &al);
    PyObject *filling = rgb(ok_fill, r, g, bl);
    double linewidth = api->obj_get_stroke_width(obj, &width) ? (double)width : 0.0;
    int bad = stroking == NULL || filling == NULL
              || PyDict_SetItem(style, k_stroke, stroke ? Py_True : Py_False)
              || PyDict_SetItem(style, k_fill, fill ? Py_True : Py_False)
              || PyDict_SetItem(style, k_evenodd, fill_mode == 1 ? Py_True : Py_False)
              || PyDict_SetItem(style, k_stroking_color, stroking)
              || PyDict_SetItem(style, k_non_stroking_color, filling)
              || put(style, k_linewidth, PyFloat_FromDouble(linewidth));
    Py_XDECREF(stroking);
    Py_XDECREF(filling);
    for (Py_ssize_t from = 0; !bad && from < n;) {
        Py_ssize_t stop = from + 1;
        while (stop < n && w->ops[stop] != 'm')
            stop++;
        if (stop - from > 1 && subpath(w, w->ops + from, w->pts + from, stop - from, style) < 0)
            bad = 1;
        from = stop;
    }
    Py_DECREF(style);
    return bad ? -1 : 0;
}

static void compose(const double *inner, const double *outer, double *m)
{
    double a = inner[0], b = inner[1], cc = inner[2], d = inner[3], e = inner[4], f = inner[5];
    double A = outer[0], B = outer[1], C = outer[2], D = outer[3], E = outer[4], F = outer[5];
    m[0] = a * A + b * C, m[1] = a * B + b * D, m[2] = cc * A + d * C, m[3] = cc * B + d * D;
    m[4] = e * A + f * C + E, m[5] = e * B + f * D + F;
}

/* one page object (PathWalker.walk's body); a Form XObject's children under its matrix */
static int visit(Walk *w, void *obj, const double *outer, int depth)
{
    Api *api = &w->api;
    if (++w->visited % SIGNAL_EVERY == 0 && PyErr_CheckSignals() < 0)
        return -1;
    int kind = api->obj_get_type(obj);
    if (kind == OBJ_TEXT) {
        void *font = api->text_obj_get_font(obj);
        PyObject *key = font == NULL ? Py_NewRef(Py_None) : PyLong_FromVoidPtr(font);
        if (key == NULL)
            return -1;
        int known = PySet_Contains(w->fonts, key);
        if (known == 0) {
            if (api->font_get_base_name(font, NULL, 0) <= 1) {
                Py_DECREF(key);
                w->decline = "Type3 font"; /* a font without /BaseFont (see readers/pdfium.py) */
                return -1;
            }
            known = PySet_Add(w->fonts, key);
        }
        Py_DECREF(key);
        if (known < 0)
            return -1;
        PyObject *address = PyLong_FromVoidPtr(obj);
        if (address == NULL || PySet_Add(w->texts, address) < 0) {
            Py_XDECREF(address);
            return -1;
        }
        Py_DECREF(address);
        return 0;
    }
    if (kind != OBJ_PATH && kind != OBJ_FORM)
        return 0;
    MatrixF matrix;
    if (!api->obj_get_matrix(obj, &matrix)) {
        w->decline = "object without a matrix";
        return -1;
    }
    double inner[6] = {matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f}, m[6];
    compose(inner, outer, m);
    if (kind == OBJ_PATH)
        return path(w, obj, m);
    if (depth + 1 >= MAX_FORM_DEPTH) {
        w->decline = "Form XObjects nested too deep";
        return -1;
    }
    int count = api->form_count_objects(obj);
    for (int i = 0; i < count; i++)
        if (visit(w, api->form_get_object(obj, (unsigned long)i), m, depth + 1) < 0)
            return -1;
    return 0;
}

static PyObject *paths(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *addresses, *page_address;
    Walk w;
    memset(&w, 0, sizeof w);
    if (!PyArg_ParseTuple(args, "OOidd", &addresses, &page_address, &w.number, &w.height, &w.doctop))
        return NULL;
    if (read_api(addresses, &w.api) < 0)
        return NULL;
    void *page = as_pointer(page_address);
    if (page == NULL && PyErr_Occurred())
        return NULL;
    PyObject *result = NULL;
    w.page_number = PyLong_FromLong(w.number);
    w.rects = PyList_New(0), w.lines = PyList_New(0), w.curves = PyList_New(0);
    w.texts = PySet_New(NULL), w.fonts = PySet_New(NULL);
    if (w.page_number && w.rects && w.lines && w.curves && w.texts && w.fonts) {
        static const double identity[6] = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
        int count = w.api.page_count_objects(page), failed = 0;
        for (int i = 0; i < count && !failed; i++)
            failed = visit(&w, w.api.page_get_object(page, i), identity, 0) < 0;
        if (w.decline != NULL && !PyErr_Occurred())
            result = PyUnicode_FromString(w.decline);
        else if (!failed)
            result = Py_BuildValue("({sOsOsO}O)", "rect", w.rects, "line", w.lines, "curve", w.curves, w.texts);
    }
    Py_XDECREF(w.page_number);
    Py_XDECREF(w.rects);
    Py_XDECREF(w.lines);
    Py_XDECREF(w.curves);
    Py_XDECREF(w.texts);
    Py_XDECREF(w.fonts);
    PyMem_Free(w.ops);
    PyMem_Free(w.pts);
    return result;
}

/* ---------------------------------------------------------------------------------------------------------
 * word grouping: readers/pdf_words.py _word_chars_python and _merge, for characters the Python loop would
 * group the same way. Anything else (a list or dict that is not exactly one, a value that is not a float or is
 * NaN, a text that is not a str, a character that is not upright or has no text, a tolerance that is no float or
 * int) returns None and the Python code decides, so the results are always the Python code's. The loops are
 * O(n log n) in one page's characters, which chars() made checking for signals: they check none. */

typedef struct {
    double top, x0, x1, bottom;
    PyObject *f_top, *f_x0, *f_x1, *f_bottom, *f_doctop, *text, *item; /* borrowed from the character's dict */
    Py_ssize_t index; /* the character's place in the list given */
    Py_ssize_t line;  /* its cluster of tops */
    int space;        /* its text is all white space (str.isspace) */
} Glyph;

static int by_top(const void *a, const void *b)
{
    const Glyph *p = a, *q = b;
    if (p->top != q->top)
        return p->top < q->top ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

static int by_line_x0(const void *a, const void *b)
{
    /* a line's characters in the given order, then sorted by x0: Python's stable sort, as (x0, index) */
    const Glyph *p = a, *q = b;
    if (p->line != q->line)
        return p->line < q->line ? -1 : 1;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

/* d[key] when it is a float and not NaN (its value in *out); NULL with no error when the Python code must
 * decide */
static PyObject *float_of(PyObject *d, PyObject *key, double *out)
{
    PyObject *v = PyDict_GetItemWithError(d, key);
    if (v == NULL || !PyFloat_CheckExact(v))
        return NULL;
    *out = PyFloat_AS_DOUBLE(v);
    return *out == *out ? v : NULL;
}

/* 1 when every character of the str is white space (str.isspace; the str is not empty) */
static int all_space(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    return 1;
}

/* The characters' glyphs in word order and where each word ends (ends[k] = one past its last glyph):
 * 1 done, 0 the Python code decides, -1 an error. */
static int group(PyObject *chars, double x_tolerance, double y_tolerance, Glyph **glyphs, Py_ssize_t **ends,
                 Py_ssize_t *n_words)
{
    Py_ssize_t n = PyList_GET_SIZE(chars), i;
    Glyph *g = PyMem_New(Glyph, n > 0 ? n : 1);
    Py_ssize_t *e = PyMem_New(Py_ssize_t, n > 0 ? n : 1);
    *glyphs = g;
    *ends = e;
    *n_words = 0;
    if (g == NULL || e == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(chars, i), *upright;
        Glyph *gi = &g[i];
        double doctop;
        if (!PyDict_CheckExact(c)) /* a subclass may answer c["top"] otherwise than its stored value */
            return 0;
        /* _merge reads bottom and doctop too */
        if ((gi->f_top = float_of(c, k_top, &gi->top)) == NULL || (gi->f_x0 = float_of(c, k_x0, &gi->x0)) == NULL
            || (gi->f_x1 = float_of(c, k_x1, &gi->x1)) == NULL
            || (gi->f_bottom = float_of(c, k_bottom, &gi->bottom)) == NULL
            || (gi->f_doctop = float_of(c, k_doctop, &doctop)) == NULL
            || (gi->text = PyDict_GetItemWithError(c, k_text)) == NULL
            || (upright = PyDict_GetItemWithError(c, k_upright)) == NULL)
            return PyErr_Occurred() ? -1 : 0;
        if (!PyUnicode_CheckExact(gi->text) || PyUnicode_GET_LENGTH(gi->text) == 0 || upright != Py_True)
            return 0; /* pdf_words._plain (a non-empty text, upright) for True only: anything else decides in Python */
        gi->item = c;
        gi->index = i;
        gi->space = all_space(gi->text);
    }
    /* pdf_words._lines: clusters of the distinct tops, a top more than y_tolerance above the last one opening
     * the next */
    qsort(g, (size_t)n, sizeof(Glyph), by_top);
    Py_ssize_t line = -1;
    for (i = 0; i < n; i++) {
        if (i == 0 || (g[i].top != g[i - 1].top && g[i].top > g[i - 1].top + y_tolerance))
            line++;
        g[i].line = line;
    }
    line = -1;
    qsort(g, (size_t)n, sizeof(Glyph), by_line_x0);
    /* pdf_words.word_chars_python */
    Py_ssize_t w = 0, start = 0, put_at = 0; /* the current word: g[start:put_at] (glyphs moved down over spaces) */
    for (i = 0; i < n; i++) {
        Glyph c = g[i];
        if (i > 0 && c.line != line && put_at > start) {
            e[w++] = put_at;
            start = put_at;
        }
        if (c.space) {
            if (put_at > start) {
                e[w++] = put_at;
                start = put_at;
            }
            continue;
        }
        if (put_at > start) {
            Glyph prev = g[put_at - 1];
            if (c.x0 < prev.x0 || c.x0 > prev.x1 + x_tolerance || fabs(c.top - prev.top) > y_tolerance) {
                e[w++] = put_at;
                start = put_at;
            }
        }
        g[put_at++] = c;
        line = c.line;
    }
    if (put_at > start)
        e[w++] = put_at;
    *n_words = w;
    return 1;
}

/* a tolerance as the Python code uses it: an exact float, or an exact int a double holds exactly (Python compares
 * a float with an int exactly); 0 for anything else (the Python code decides) */
static int tolerance_of(PyObject *o, double *out)
{
    if (PyFloat_CheckExact(o)) {
        *out = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (!PyLong_CheckExact(o))
        return 0;
    *out = PyLong_AsDouble(o);
    if (*out == -1.0 && PyErr_Occurred()) {
        PyErr_Clear(); /* too large for a double: the Python code decides */
        return 0;
    }
    return fabs(*out) <= 9007199254740992.0; /* 2 ** 53 */
}

/* word_chars' and words' arguments: 1, 0 the Python code decides (chars not exactly a list, a tolerance that
 * is no float or int), -1 an error */
static int grouping_args(PyObject *args, const char *name, Py_ssize_t n_args, PyObject **chars, double *x_tolerance,
                         double *y_tolerance, PyObject **ligatures)
{
    PyObject *x_tol, *y_tol;
    if (!PyArg_UnpackTuple(args, name, n_args, n_args, chars, &x_tol, &y_tol, ligatures))
        return -1;
    return PyList_CheckExact(*chars) && tolerance_of(x_tol, x_tolerance) && tolerance_of(y_tol, y_tolerance)
           && (ligatures == NULL || PyDict_CheckExact(*ligatures));
}

static PyObject *word_list(const Glyph *g, Py_ssize_t n)
{
    PyObject *word = PyList_New(n);
    if (word != NULL)
        for (Py_ssize_t k = 0; k < n; k++)
            PyList_SET_ITEM(word, k, Py_NewRef(g[k].item));
    return word;
}

static PyObject *word_chars(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *chars, *out = NULL;
    double x_tolerance, y_tolerance;
    int args_ok = grouping_args(args, "word_chars", 3, &chars, &x_tolerance, &y_tolerance, NULL);
    if (args_ok <= 0)
        return args_ok < 0 ? NULL : Py_NewRef(Py_None);
    Glyph *g;
    Py_ssize_t *e, n_words;
    int ok = group(chars, x_tolerance, y_tolerance, &g, &e, &n_words);
    if (ok == 0)
        out = Py_NewRef(Py_None);
    else if (ok > 0 && (out = PyList_New(n_words)) != NULL) {
        Py_ssize_t start = 0;
        for (Py_ssize_t w = 0; w < n_words; w++) {
            PyObject *word = word_list(g + start, e[w] - start);
            if (word == NULL) {
                Py_CLEAR(out);
                break;
            }
            PyList_SET_ITEM(out, w, word);
            start = e[w];
        }
    }
    PyMem_Free(g);
    PyMem_Free(e);
    return out;
}

/* pdf_words._merge of one word's glyphs: the same keys in the same order, the extremes the same float objects */
static PyObject *merged(const Glyph *g, Py_ssize_t n, PyObject *ligatures)
{
    PyObject *d = NULL, *texts = PyList_New(n), *text = NULL, *word = NULL;
    const Glyph *x0 = g, *top = g, *x1 = g, *bottom = g;
    if (texts == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        const Glyph *c = &g[k];
        if (c->x0 < x0->x0) /* min() and max() keep the first of equal values */
            x0 = c;
        if (c->top < top->top)
            top = c;
        if (c->x1 > x1->x1)
            x1 = c;
        if (c->bottom > bottom->bottom)
            bottom = c;
        PyObject *lig = PyDict_GetItemWithError(ligatures, c->text);
        if (lig == NULL && PyErr_Occurred())
            goto done;
        PyList_SET_ITEM(texts, k, Py_NewRef(lig != NULL ? lig : c->text));
    }
    if ((text = PyUnicode_Join(v_empty, texts)) == NULL || (word = word_list(g, n)) == NULL || (d = PyDict_New()) == NULL)
        goto done;
    if (put(d, k_text, Py_NewRef(text)) < 0 || put(d, k_x0, Py_NewRef(x0->f_x0)) < 0
        || put(d, k_x1, Py_NewRef(x1->f_x1)) < 0 || put(d, k_top, Py_NewRef(top->f_top)) < 0
        || put(d, k_doctop, PyFloat_FromDouble(top->top + (PyFloat_AS_DOUBLE(g->f_doctop) - g->top))) < 0
        || put(d, k_bottom, Py_NewRef(bottom->f_bottom)) < 0 || put(d, k_upright, Py_NewRef(Py_True)) < 0
        || put(d, k_height, PyFloat_FromDouble(bottom->bottom - top->top)) < 0
        || put(d, k_width, PyFloat_FromDouble(x1->x1 - x0->x0)) < 0
        || put(d, k_direction, Py_NewRef(v_ltr)) < 0 || put(d, k_chars, Py_NewRef(word)) < 0)
        Py_CLEAR(d);
done:
    Py_DECREF(texts);
    Py_XDECREF(text);
    Py_XDECREF(word);
    return d;
}

static PyObject *words(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *chars, *ligatures, *out = NULL;
    double x_tolerance, y_tolerance;
    int args_ok = grouping_args(args, "words", 4, &chars, &x_tolerance, &y_tolerance, &ligatures);
    if (args_ok <= 0)
        return args_ok < 0 ? NULL : Py_NewRef(Py_None);
    Glyph *g;
    Py_ssize_t *e, n_words;
    int ok = group(chars, x_tolerance, y_tolerance, &g, &e, &n_words);
    if (ok == 0)
        out = Py_NewRef(Py_None);
    else if (ok > 0 && (out = PyList_New(n_words)) != NULL) {
        Py_ssize_t start = 0;
        for (Py_ssize_t w = 0; w < n_words; w++) {
            PyObject *d = merged(g + start, e[w] - start, ligatures);
            if (d == NULL) {
                Py_CLEAR(out);
                break;
            }
            PyList_SET_ITEM(out, w, d);
            start = e[w];
        }
    }
    PyMem_Free(g);
    PyMem_Free(e);
    return out;
}

/* ---------------------------------------------------------------------------------------------------------
 * table characters: readers/pdf_grid.py _extract's rows and cells (table_chars) and _outside (outside), for
 * exact lists of exact dicts and tuples whose coordinates are floats (not NaN); anything else returns None and
 * the Python code decides. Their nested loops let a signal handler run every SIGNAL_WORK comparisons. A
 * character's middle is pdfplumber's: ((x0 + x1) / 2, (top + bottom) / 2). */

typedef struct {
    double h, v;
    Py_ssize_t index;
} Middle;

static int by_v(const void *a, const void *b)
{
    const Middle *p = a, *q = b;
    if (p->v != q->v)
        return p->v < q->v ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

static int by_index(const void *a, const void *b)
{
    const Middle *p = a, *q = b;
    return (p->index > q->index) - (p->index < q->index);
}

/* every character's middle, in the list's order: 1, 0 the Python code decides, -1 an error */
static int middles(PyObject *chars, Middle **out)
{
    Py_ssize_t n = PyList_GET_SIZE(chars);
    Middle *m = PyMem_New(Middle, n > 0 ? n : 1);
    *out = m;
    if (m == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(chars, i);
        double x0, x1, top, bottom;
        if (!PyDict_CheckExact(c) || float_of(c, k_x0, &x0) == NULL || float_of(c, k_x1, &x1) == NULL
            || float_of(c, k_top, &top) == NULL || float_of(c, k_bottom, &bottom) == NULL)
            return PyErr_Occurred() ? -1 : 0;
        m[i].h = (x0 + x1) / 2;
        m[i].v = (top + bottom) / 2;
        m[i].index = i;
        if (m[i].h != m[i].h || m[i].v != m[i].v)
            return 0;
    }
    return 1;
}

/* a box (x0, top, x1, bottom) of floats, not NaN: 1, else 0 (the Python code decides) */
static int box_of(PyObject *t, double *b)
{
    if (!PyTuple_CheckExact(t) || PyTuple_GET_SIZE(t) != 4)
        return 0;
    for (int k = 0; k < 4; k++) {
        PyObject *v = PyTuple_GET_ITEM(t, k);
        if (!PyFloat_CheckExact(v))
            return 0;
        b[k] = PyFloat_AS_DOUBLE(v);
        if (b[k] != b[k])
            return 0;
    }
    return 1;
}

/* the first place in m (sorted by v) whose v is not below y: bisect_left */
static Py_ssize_t first_at(const Middle *m, Py_ssize_t n, double y)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (m[mid].v < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* table_chars(chars, rows): rows as [(row box, [cell box or None, ...]), ...]; for each row, for each cell its
 * characters (middle inside: left and top edges in, right and bottom out), in the list's order, or None for a
 * cell that is None: pdf_grid._extract's row and cell characters */
static PyObject *table_chars(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *chars, *rows, *out = NULL, *result = NULL, *row = NULL;
    if (!PyArg_UnpackTuple(args, "table_chars", 2, 2, &chars, &rows))
        return NULL;
    if (!PyList_CheckExact(chars) || !PyList_CheckExact(rows))
        return Py_NewRef(Py_None);
    Py_ssize_t n = PyList_GET_SIZE(chars), n_rows = PyList_GET_SIZE(rows), work = 0;
    Middle *m = NULL, *band = PyMem_New(Middle, n > 0 ? n : 1);
    int ok = band == NULL ? (PyErr_NoMemory(), -1) : middles(chars, &m);
    if (ok <= 0)
        goto done;
    qsort(m, (size_t)n, sizeof(Middle), by_v);
    if ((out = PyList_New(n_rows)) == NULL)
        goto done;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        PyObject *cells, *row_out;
        double rb[4], cb[4];
        /* a signal handler (the time limit) may run here: it must not find the lists changed */
        if (PyErr_CheckSignals() < 0)
            goto done;
        if (PyList_GET_SIZE(chars) != n || PyList_GET_SIZE(rows) != n_rows)
            goto fallback;
        Py_XSETREF(row, Py_NewRef(PyList_GET_ITEM(rows, r))); /* held: a handler may take it from the list */
        if (!PyTuple_CheckExact(row) || PyTuple_GET_SIZE(row) != 2 || !box_of(PyTuple_GET_ITEM(row, 0), rb)
            || !PyList_CheckExact(cells = PyTuple_GET_ITEM(row, 1)))
            goto fallback;
        Py_ssize_t nb = 0, n_cells = PyList_GET_SIZE(cells);
        for (Py_ssize_t k = first_at(m, n, rb[1]); k < n && m[k].v < rb[3]; k++)
            if (rb[0] <= m[k].h && m[k].h < rb[2])
                band[nb++] = m[k];
        qsort(band, (size_t)nb, sizeof(Middle), by_index); /* the page's order, as pdfplumber's */
        if ((row_out = PyList_New(n_cells)) == NULL)
            goto done;
        PyList_SET_ITEM(out, r, row_out);
        for (Py_ssize_t j = 0; j < n_cells; j++) {
            if ((work += nb + 1) >= SIGNAL_WORK) {
                work = 0;
                if (PyErr_CheckSignals() < 0)
                    goto done;
                if (PyList_GET_SIZE(chars) != n || PyList_GET_SIZE(cells) != n_cells)
                    goto fallback;
            }
            PyObject *cell = PyList_GET_ITEM(cells, j), *found;
            if (cell == Py_None) {
                PyList_SET_ITEM(row_out, j, Py_NewRef(Py_None));
                continue;
            }
            if (!box_of(cell, cb))
                goto fallback;
            if ((found = PyList_New(0)) == NULL)
                goto done;
            PyList_SET_ITEM(row_out, j, found);
            for (Py_ssize_t k = 0; k < nb; k++)
                if (cb[0] <= band[k].h && band[k].h < cb[2] && cb[1] <= band[k].v && band[k].v < cb[3]
                    && PyList_Append(found, PyList_GET_ITEM(chars, band[k].index)) < 0)
                    goto done;
        }
    }
    result = Py_NewRef(out);
    goto done;
fallback:
    result = Py_NewRef(Py_None);
done:
    if (ok == 0 && result == NULL && !PyErr_Occurred())
        result = Py_NewRef(Py_None);
    Py_XDECREF(row);
    Py_XDECREF(out);
    PyMem_Free(m);
    PyMem_Free(band);
    return result;
}

/* outside(chars, boxes): the characters whose middle lies in none of the boxes (edges included), in the list's
 * order: pdf_grid._outside */
static PyObject *outside(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *chars, *boxes, *out = NULL;
    if (!PyArg_UnpackTuple(args, "outside", 2, 2, &chars, &boxes))
        return NULL;
    if (!PyList_CheckExact(chars) || !PyList_CheckExact(boxes))
        return Py_NewRef(Py_None);
    Py_ssize_t n = PyList_GET_SIZE(chars), nb = PyList_GET_SIZE(boxes), work = 0;
    double *b = PyMem_New(double, 4 * (nb > 0 ? nb : 1));
    Middle *m = NULL;
    int ok = b == NULL ? (PyErr_NoMemory(), -1) : middles(chars, &m);
    for (Py_ssize_t k = 0; ok > 0 && k < nb; k++)
        if (!box_of(PyList_GET_ITEM(boxes, k), b + 4 * k))
            ok = 0;
    if (ok == 0)
        out = Py_NewRef(Py_None);
    else if (ok > 0 && (out = PyList_New(0)) != NULL) {
        for (Py_ssize_t i = 0; i < n; i++) {
            if ((work += nb + 1) >= SIGNAL_WORK) { /* a signal handler (the time limit) may run */
                work = 0;
                if (PyErr_CheckSignals() < 0) {
                    Py_CLEAR(out);
                    break;
                }
                if (PyList_GET_SIZE(chars) != n) { /* the handler changed the list: the Python code decides */
                    Py_SETREF(out, Py_NewRef(Py_None));
                    break;
                }
            }
            Py_ssize_t k = 0;
            while (k < nb && !(b[4 * k] <= m[i].h && m[i].h <= b[4 * k + 2] && b[4 * k + 1] <= m[i].v
                               && m[i].v <= b[4 * k + 3]))
                k++;
            if (k == nb && PyList_Append(out, PyList_GET_ITEM(chars, i)) < 0) {
                Py_CLEAR(out);
                break;
            }
        }
    }
    PyMem_Free(b);
    PyMem_Free(m);
    return out;
}

/* ---------------------------------------------------------------------------------------------------------
 * the module */

static PyMethodDef methods[] = {
    {"chars", chars, METH_VARARGS,
     "chars(addresses, textpage, count, page_number, height, doctop, owners) -> (chars, count) or a decline's reason"},
    {"paths", paths, METH_VARARGS,
     "paths(addresses, page, page_number, height, doctop) -> ({'rect', 'line', 'curve'}, text objects)"
     " or a decline's reason"},
    {"word_chars", word_chars, METH_VARARGS,
     "word_chars(chars, x_tolerance, y_tolerance) -> pdf_words._word_chars_python's lists, or None"},
    {"words", words, METH_VARARGS,
     "words(chars, x_tolerance, y_tolerance, ligatures) -> pdf_words' merged words, or None"},
    {"table_chars", table_chars, METH_VARARGS,
     "table_chars(chars, [(row box, [cell box or None, ...]), ...]) -> each cell's characters, or None"},
    {"outside", outside, METH_VARARGS, "outside(chars, boxes) -> the characters no box holds, or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_loops", NULL, -1, methods, NULL, NULL, NULL, NULL};

static PyObject *intern(const char *s)
{
    return PyUnicode_InternFromString(s);
}

PyMODINIT_FUNC PyInit__pdfium_loops(void)
{
    PyObject *m = PyModule_Create(&module), *signatures;
    if (m == NULL)
        return NULL;
    PyObject **keys[] = {&k_object_type, &k_page_number, &k_text, &k_x0, &k_x1, &k_y0, &k_y1, &k_top, &k_bottom,
                         &k_doctop, &k_width, &k_height, &k_size, &k_upright, &k_fontname, &k_adv, &k_matrix, &k_pts,
                         &k_stroke, &k_fill, &k_evenodd, &k_stroking_color, &k_non_stroking_color, &k_linewidth,
                         &v_char, &v_rect, &v_line, &v_curve, &v_empty, &k_direction, &k_chars, &v_ltr};
    const char *names[] = {"object_type", "page_number", "text", "x0", "x1", "y0", "y1", "top", "bottom", "doctop",
                           "width", "height", "size", "upright", "fontname", "adv", "matrix", "pts", "stroke", "fill",
                           "evenodd", "stroking_color", "non_stroking_color", "linewidth", "char", "rect", "line",
                           "curve", "", "direction", "chars", "ltr"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if ((*keys[i] = intern(names[i])) == NULL)
            goto fail;
    signatures = PyTuple_New(F_COUNT);
    if (signatures == NULL)
        goto fail;
    for (int i = 0; i < F_COUNT; i++) {
        PyObject *row = Py_BuildValue("(sss)", SIGNATURES[i][0], SIGNATURES[i][1], SIGNATURES[i][2]);
        if (row == NULL) {
            Py_DECREF(signatures);
            goto fail;
        }
        PyTuple_SET_ITEM(signatures, i, row);
    }
    if (PyModule_AddObject(m, "SIGNATURES", signatures) < 0) {
        Py_DECREF(signatures);
        goto fail;
    }
    if (PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0)
        goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
