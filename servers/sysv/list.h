/*
 * Intrusive doubly-linked lists for the System V cores: a record holds a
 * struct list_link for each list it is on (a waiter in its set's queue
 * and among every waiter, an undo record in its set's and its process's),
 * and list_entry finds the record from the link.
 */
#ifndef SERVERS_SYSV_LIST_H
#define SERVERS_SYSV_LIST_H

#include <stddef.h>

struct list_link {
    struct list_link *next, *previous;
};

struct list {
    struct list_link *first, *last;
};

/* The record of type whose member link is. */
#define list_entry(link, type, member) ((type *)((char *)(link) - offsetof(type, member)))

static inline void list_append(struct list *list, struct list_link *link)
{
    link->next = NULL;
    link->previous = list->last;
    if (list->last)
        list->last->next = link;
    else
        list->first = link;
    list->last = link;
}

static inline void list_remove(struct list *list, struct list_link *link)
{
    if (link->previous)
        link->previous->next = link->next;
    else
        list->first = link->next;
    if (link->next)
        link->next->previous = link->previous;
    else
        list->last = link->previous;
    link->next = link->previous = NULL;
}

#endif
