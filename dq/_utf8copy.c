/*
 * dq._utf8copy: a single-byte text (cp1252, Latin-1) as UTF-8, without the interpreter lock.
 *
 * Python's codecs copy a cp1252 export to UTF-8 at about 1.2 ns a byte and hold the interpreter
 * lock while they do (issue 16: the copy was most of what a cp1252 export cost over a UTF-8 one).
 * This loop takes about 0.3 ns a byte on text that is mostly ASCII, and lets go of the lock so
 * that reading and writing the copy overlap with it. It knows no character set: the caller
 * passes the table of what each byte 0x80-0xFF becomes, built from Python's own codec
 * (dq.io.copy_part.utf8_table), so the copy is byte for byte what Python's codec gives. It is
 * optional: without a C compiler dq is installed without it and copies with Python's codecs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define TABLE_BYTES 512 /* 128 entries of 4 bytes: length (0: undefined), then up to 3 bytes */

PyDoc_STRVAR(to_utf8_doc,
"to_utf8(src, dst, table, /) -> (written, bad)\n\n"
"Write the single-byte text src as UTF-8 to the start of dst (writable, at least 3 * len(src)\n"
"bytes). table: 512 bytes, for each byte 0x80-0xFF its UTF-8 length (0: the codec leaves it\n"
"undefined) and up to three bytes. Returns the bytes written and the index in src of the first\n"
"undefined byte (the copy stops there), or -1.");

static PyObject *
to_utf8(PyObject *self, PyObject *args)
{
    Py_buffer src, dst, table;
    PyObject *result = NULL;

    if (!PyArg_ParseTuple(args, "y*w*y*:to_utf8", &src, &dst, &table))
        return NULL;
    if (table.len != TABLE_BYTES) {
        PyErr_SetString(PyExc_ValueError, "to_utf8: the table must hold 512 bytes");
        goto done;
    }
    if (src.len > PY_SSIZE_T_MAX / 3 || dst.len < 3 * src.len) {
        PyErr_SetString(PyExc_ValueError, "to_utf8: dst must hold 3 bytes per byte of src");
        goto done;
    }
    {
        const unsigned char *s = (const unsigned char *)src.buf;
        const unsigned char *t = (const unsigned char *)table.buf;
        unsigned char *d = (unsigned char *)dst.buf;
        Py_ssize_t n = src.len, i = 0, o = 0, bad = -1;

        Py_BEGIN_ALLOW_THREADS
        while (i < n) {
            /* eight ASCII bytes at a time */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                memcpy(d + o, &w, 8);
                i += 8;
                o += 8;
            }
            if (i == n)
                break;
            /* then byte by byte up to the next multiple of eight */
            do {
                unsigned char b = s[i];
                if (b < 0x80) {
                    d[o++] = b;
                } else {
                    const unsigned char *e = t + 4 * (b - 0x80);
                    if (e[0] == 0) {
                        bad = i;
                        break;
                    }
                    /* dst has room for three bytes here: o <= 3 * i */
                    d[o] = e[1];
                    d[o + 1] = e[2];
                    d[o + 2] = e[3];
                    o += e[0];
                }
                i++;
            } while (i < n && (i & 7) != 0);
            if (bad >= 0)
                break;
        }
        Py_END_ALLOW_THREADS
        result = Py_BuildValue("nn", o, bad);
    }
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&dst);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"to_utf8", to_utf8, METH_VARARGS, to_utf8_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_utf8copy",
    "A single-byte text (cp1252, Latin-1) as UTF-8, without the interpreter lock.", -1, methods,
};

PyMODINIT_FUNC
PyInit__utf8copy(void)
{
    return PyModule_Create(&module);
}
